import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSecretError, smtpConfigFromSecret, smtpConfigFromSecretString } from '../../functions/adapters/smtp-secret.js';
import type { SmtpTransport } from '../../functions/adapters/smtp-transport.js';
import { type AwsSettings, secretsManagerClient } from '../../functions/compose/clients.js';
import { transportFromEnv } from '../../functions/compose/transport.js';
import { silentLog } from '../../functions/core/log.js';
import { type SmtpSink, startSmtpSink } from '../../local/smtp-sink.js';
import { type SecretsManagerStub, startSecretsManagerStub } from '../helpers/secrets-manager-stub.js';

/** Secrets Manager on a loopback stub; the relay is the local SMTP sink, requiring AUTH. */
let stub: SecretsManagerStub;
let sink: SmtpSink;
let aws: AwsSettings;
const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const USER = 'relay-user';
const PASS = 'p@ss:w/rd%with&odd=chars';

beforeAll(async () => {
  stub = await startSecretsManagerStub();
  aws = { region: 'eu-west-1', local: true, endpoints: { secretsmanager: stub.url } };
  sink = await startSmtpSink({ auth: { user: USER, pass: PASS } });
});
afterAll(async () => {
  await sink.stop();
  await stub.stop();
});

const message = (to: string) => ({
  raw: `From: a@example.com\r\nTo: ${to}\r\nSubject: hi\r\n\r\nhello\r\n`,
  messageId: 'm1',
  envelope: { from: 'a@example.com', to: [to] },
});

async function sendThrough(arn: string, to: string) {
  const transport = (await transportFromEnv({ SMTP_SECRET_ARN: arn }, aws, silentLog)) as SmtpTransport;
  try {
    return await transport.send(message(to));
  } finally {
    transport.close();
  }
}

describe('SMTP credentials from Secrets Manager', () => {
  it('a {"url"} secret delivers through the relay with its credentials', async () => {
    stub.secrets.set(ARN('url'), JSON.stringify({ url: `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASS)}@127.0.0.1:${sink.port}?tls=none` }));
    const result = await sendThrough(ARN('url'), 'url@example.net');
    expect(result.accepted).toEqual(['url@example.net']);
    expect(sink.received.at(-1)?.envelope.to).toEqual(['url@example.net']);
  });

  it('a {host, port, username, password} secret delivers too', async () => {
    stub.secrets.set(ARN('parts'), JSON.stringify({ host: '127.0.0.1', port: sink.port, username: USER, password: PASS, tls: 'none' }));
    const result = await sendThrough(ARN('parts'), 'parts@example.net');
    expect(result.accepted).toEqual(['parts@example.net']);
  });

  it('wrong credentials in the secret are refused by the relay (and retried: the message is not at fault)', async () => {
    stub.secrets.set(ARN('wrong'), JSON.stringify({ host: '127.0.0.1', port: sink.port, username: USER, password: 'nope', tls: 'none' }));
    await expect(sendThrough(ARN('wrong'), 'x@example.net')).rejects.toMatchObject({
      failure: expect.objectContaining({ responseCode: 535, kind: 'temporary' }),
    });
  });

  it('is read once per container and then cached', async () => {
    stub.secrets.set(ARN('cached'), JSON.stringify({ url: `smtp://127.0.0.1:${sink.port}?tls=none` }));
    const client = await secretsManagerClient(aws);
    const before = stub.requests();
    const first = await smtpConfigFromSecret(client, ARN('cached'));
    const second = await smtpConfigFromSecret(client, ARN('cached'));
    expect(second).toBe(first);
    expect(stub.requests() - before).toBe(1);
  });

  it('a missing secret fails the cold start with the service error, and is retried next time', async () => {
    const client = await secretsManagerClient(aws);
    await expect(smtpConfigFromSecret(client, ARN('absent'))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    stub.secrets.set(ARN('absent'), JSON.stringify({ url: `smtp://127.0.0.1:${sink.port}?tls=none` }));
    await expect(smtpConfigFromSecret(client, ARN('absent'))).resolves.toMatchObject({ host: '127.0.0.1' });
  });

  it('a malformed secret fails with a message that never repeats its content', async () => {
    stub.secrets.set(ARN('bad'), `{"username": "${USER}", "password": "${PASS}"`);
    const error = await smtpConfigFromSecret(await secretsManagerClient(aws), ARN('bad')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpSecretError);
    expect(String((error as Error).message)).not.toContain(PASS);
  });
});

describe('secret shapes', () => {
  it('port 465 means implicit TLS', () => {
    expect(smtpConfigFromSecretString(JSON.stringify({ host: 'smtp.example.com', port: 465, username: 'u', password: 'p' }))).toMatchObject({
      secure: true,
      tls: 'implicit',
      port: 465,
    });
  });

  it('other ports require STARTTLS, and the certificate is verified by default', () => {
    expect(smtpConfigFromSecretString(JSON.stringify({ host: 'smtp.example.com', username: 'u', password: 'p' }))).toMatchObject({
      secure: false,
      tls: 'required',
      port: 587,
      verifyCertificate: true,
    });
  });

  it('credentials with URL-special characters arrive intact', () => {
    expect(smtpConfigFromSecretString(JSON.stringify({ host: 'smtp.example.com', port: 587, username: 'me@example.com', password: PASS }))).toMatchObject({
      user: 'me@example.com',
      pass: PASS,
    });
  });

  it('names the missing field', () => {
    expect(() => smtpConfigFromSecretString(JSON.stringify({ port: 25, username: 'u', password: 'p' }))).toThrow(/host/);
  });

  it('a bad url is reported as the secret`s url', () => {
    expect(() => smtpConfigFromSecretString(JSON.stringify({ url: 'http://u:p@smtp.example.com' }))).toThrow(
      /^the SMTP secret: url scheme must be smtp or smtps/,
    );
  });

  it('an unparseable url never echoes the password', () => {
    const error = (() => {
      try {
        smtpConfigFromSecretString(JSON.stringify({ url: `smtp://u:${PASS}@smtp.example.com` }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message ?? '').not.toContain(PASS);
  });
});
