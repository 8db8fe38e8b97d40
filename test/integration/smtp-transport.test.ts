import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSmtpUrl, redactSmtpUrl, smtpSecurityWarnings } from '../../functions/adapters/smtp-config.js';
import { SmtpTransport } from '../../functions/adapters/smtp-transport.js';
import { transportFromEnv } from '../../functions/compose/transport.js';
import { TransportError } from '../../functions/core/delivery-outcome.js';
import { buildMime } from '../../functions/core/mime.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { type SmtpSink, startSmtpSink } from '../../local/smtp-sink.js';
import { selfSignedCertificate } from '../helpers/certificate.js';

const message = buildMime(parseSendRequest({ from: 'a@example.com', to: 'b@example.org', subject: 'tls', text: 'secret' }), { id: 'tls-test' });
const credentials = { user: 'relay-user', pass: 'p@ss:w/rd' };
let cert: { key: string; cert: string };
let relay: SmtpSink;
const transports: SmtpTransport[] = [];

function transport(url: string, overrides = {}) {
  const t = new SmtpTransport(parseSmtpUrl(url, { timeoutMs: 5000, ...overrides }));
  transports.push(t);
  return t;
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

beforeAll(async () => {
  cert = selfSignedCertificate();
  relay = await startSmtpSink({ tls: cert, auth: credentials });
});

afterAll(async () => {
  for (const t of transports) t.close();
  await relay.stop();
});

describe('SMTP transport security', () => {
  const auth = () => `smtp://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@127.0.0.1:${relay.port}`;

  it('refuses a relay whose certificate does not verify, by default', async () => {
    const error = await failure(transport(auth()).send(message));
    expect(error.failure.kind).toBe('temporary');
    expect(error.failure.response).toMatch(/self[- ]signed|certificate/i);
    // The status names the cause an operator has to fix, and the retry is logged as an error.
    expect(error.failure.response).toMatch(/^TLS with the relay failed: /);
    expect(error.failure.needsOperator).toBe(true);
    expect(relay.received.some((m) => m.raw.includes('secret'))).toBe(false);
  });

  it('delivers over verified STARTTLS with AUTH when the relay CA is trusted', async () => {
    const result = await transport(auth(), { ca: cert.cert }).send(message);
    expect(result.accepted).toEqual(['b@example.org']);
    expect(result.response).toMatch(/^250 /);
  });

  it('delivers to an unverified relay only with the explicit verify=false opt-out', async () => {
    const result = await transport(`${auth()}?verify=false`).send(message);
    expect(result.accepted).toEqual(['b@example.org']);
  });

  it('requires STARTTLS by default: a relay that does not offer it is refused', async () => {
    const plain = await startSmtpSink();
    try {
      const error = await failure(transport(`smtp://127.0.0.1:${plain.port}`).send(message));
      // A relay that cannot do TLS is a configuration fault: retried, never sent in clear.
      expect(error.failure.code).toBe('ETLS');
      expect(error.failure.kind).toBe('temporary');
      expect(error.failure.response).toMatch(/^TLS with the relay failed: /);
      expect(plain.received).toHaveLength(0);
    } finally {
      await plain.stop();
    }
  });

  it('reports wrong credentials as a retryable failure (the operator can fix the secret)', async () => {
    const error = await failure(transport(`smtp://relay-user:wrong@127.0.0.1:${relay.port}`, { ca: cert.cert }).send(message));
    expect(error.failure.responseCode).toBe(535);
    expect(error.failure.kind).toBe('temporary');
    expect(error.failure.response).toMatch(/^relay authentication failed: 535/);
    expect(error.failure.needsOperator).toBe(true);
  });

  it('parses relay URLs, masks nothing it needs and rejects bad ones', () => {
    expect(parseSmtpUrl('smtps://u%40x:p%3Aw@mail.example.com')).toMatchObject({
      host: 'mail.example.com',
      port: 465,
      secure: true,
      tls: 'implicit',
      user: 'u@x',
      pass: 'p:w',
      verifyCertificate: true,
    });
    expect(parseSmtpUrl('smtp://mail.example.com')).toMatchObject({ port: 587, secure: false, tls: 'required' });
    expect(() => parseSmtpUrl('http://mail.example.com')).toThrow(/scheme/);
    expect(() => parseSmtpUrl('smtps://mail.example.com?tls=none')).toThrow(/always TLS/);
  });
});

describe('relay settings an operator can get wrong', () => {
  it('masks the password in a URL whose user name holds a raw @', () => {
    const shown = redactSmtpUrl('smtp://relay@example.com:S3cret-pass@mail.example.com:587');
    expect(shown).not.toContain('S3cret-pass');
    expect(shown).toContain('mail.example.com:587');
    expect(redactSmtpUrl('smtps://u:p%3Aw@mail.example.com')).not.toContain('p%3Aw');
    expect(redactSmtpUrl('not a url :pass@')).not.toContain('pass');
  });

  it('refuses tls=none with credentials to a relay across a network, allows it on loopback', () => {
    expect(() => parseSmtpUrl('smtp://user:pass@mail.example.com:25?tls=none')).toThrow(/clear text/);
    expect(parseSmtpUrl('smtp://user:pass@127.0.0.1:2525?tls=none')).toMatchObject({ tls: 'none', user: 'user' });
    expect(parseSmtpUrl('smtp://mail.example.com:25?tls=none')).toMatchObject({ tls: 'none' });
  });

  it('names every TLS opt-out in a warning, and none for the defaults', () => {
    expect(smtpSecurityWarnings(parseSmtpUrl('smtp://u:p@mail.example.com'))).toEqual([]);
    expect(smtpSecurityWarnings(parseSmtpUrl('smtps://u:p@mail.example.com?verify=false'))).toEqual([expect.stringContaining('not verified')]);
    expect(smtpSecurityWarnings(parseSmtpUrl('smtp://u:p@mail.example.com?tls=opportunistic'))).toEqual([expect.stringContaining('clear text')]);
    expect(smtpSecurityWarnings(parseSmtpUrl('smtp://mail.example.com?tls=none'))).toEqual([expect.stringContaining('clear text')]);
    expect(smtpSecurityWarnings(parseSmtpUrl('smtp://127.0.0.1:2525?tls=none'))).toEqual([]);
  });

  it('logs the opt-out when the deliver function builds its transport', async () => {
    const lines: { level: string; message: string }[] = [];
    const built = await transportFromEnv(
      { TRANSPORT: 'smtp', SMTP_URL: 'smtp://u:p@mail.example.com:587?verify=false' },
      { region: 'us-east-1' },
      (level, message) => lines.push({ level, message }),
    );
    expect(built.name).toBe('smtp');
    expect(lines).toEqual([{ level: 'warn', message: expect.stringContaining('verify=false') }]);
    await (built as SmtpTransport).close();
  });
});
