/**
 * The SES transport over the SES query protocol on loopback: against aws-ses-v2-local for
 * what it accepts, and against a small stub for the errors and quotas the stand-in cannot
 * produce.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { SesSendRate } from '../../functions/adapters/ses-send-rate.js';
import { SesTransport } from '../../functions/adapters/ses-transport.js';
import { type AwsSettings, dynamoClient, sesClient } from '../../functions/compose/clients.js';
import { deliverDeps } from '../../functions/compose/deliver.js';
import { transportFromEnv } from '../../functions/compose/transport.js';
import { newRecord } from '../../functions/core/accept-email.js';
import { TransportError } from '../../functions/core/delivery-outcome.js';
import type { Log } from '../../functions/core/log.js';
import { silentLog } from '../../functions/core/log.js';
import { buildMime } from '../../functions/core/mime.js';
import type { OutgoingMessage } from '../../functions/core/ports.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { createDeliverHandler } from '../../functions/deliver/sqs-batch.js';
import { type SesStandIn, startSesStandIn } from '../../local/ses-stand-in.js';
import { lambdaContext } from '../../local/sqs-poller.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';
import { type StubAnswer, sendQuota, sendRawEmailOk, startSesStub } from '../helpers/ses-stub.js';

const request = parseSendRequest({
  from: 'Sender <sender@example.com>',
  to: 'Rcpt <rcpt@example.org>',
  cc: 'cc@example.org',
  bcc: 'hidden@example.org',
  subject: 'Über SES',
  text: 'Grüße',
  tags: [
    { name: 'campaign', value: 'welcome-1' },
    { name: 'tier', value: 'gold' },
  ],
});
const outgoing = (id = 'msg-1'): OutgoingMessage => ({ ...buildMime(request, { id }), tags: request.tags });
const settings = (endpoint: string): AwsSettings => ({ region: 'us-east-1', local: true, endpoints: { ses: endpoint } });
const fixedRate = { acquire: async () => 0 };

async function failure(transport: SesTransport): Promise<TransportError> {
  const error = await transport.send(outgoing()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('against aws-ses-v2-local', () => {
  let standIn: SesStandIn;
  beforeAll(async () => {
    standIn = await startSesStandIn();
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  it('sends the built MIME message and returns the SES MessageId', async () => {
    const transport = new SesTransport(await sesClient(settings(standIn.url)), { rate: fixedRate, configurationSetName: 'posthaste' });
    const result = await transport.send(outgoing());
    expect(result.providerMessageId).toMatch(/\S/);
    expect(result.accepted).toEqual(['rcpt@example.org', 'cc@example.org', 'hidden@example.org']);
    const store = (await (await fetch(`${standIn.url}/store`)).json()) as {
      emails: { messageId: string; subject: string; body: { text: string }; destination: { bcc: string[] } }[];
    };
    const email = store.emails.find((e) => e.messageId === result.providerMessageId)!;
    expect(email.subject).toBe('Über SES');
    expect(email.body.text.trim()).toBe('Grüße');
    // No Bcc header in the message: the hidden recipient is in Destinations only.
    expect(email.destination.bcc).toEqual([]);
  });
});

describe('against an SES stub', () => {
  let stub: Awaited<ReturnType<typeof startSesStub>>;
  let answer: (params: URLSearchParams) => StubAnswer;
  beforeAll(async () => {
    stub = await startSesStub((params) => answer(params));
  });
  afterEach(() => {
    stub.requests.length = 0;
  });
  afterAll(async () => {
    await stub?.stop();
  });
  const transport = async () => new SesTransport(await sesClient(settings(stub.url)), { rate: fixedRate, configurationSetName: 'posthaste' });
  const error = (status: number, code: string, message: string) => () => ({ error: { status, code, message } });

  it('passes the envelope recipients as Destinations, the tags and the configuration set', async () => {
    answer = () => sendRawEmailOk('0100-stub-000000');
    const message = outgoing();
    expect((await (await transport()).send(message)).providerMessageId).toBe('0100-stub-000000');
    const params = stub.requests[0]!;
    expect(params.get('Action')).toBe('SendRawEmail');
    expect([1, 2, 3].map((i) => params.get(`Destinations.member.${i}`))).toEqual(['rcpt@example.org', 'cc@example.org', 'hidden@example.org']);
    expect(params.get('Source')).toBe('sender@example.com');
    expect(params.get('ConfigurationSetName')).toBe('posthaste');
    expect([params.get('Tags.member.1.Name'), params.get('Tags.member.1.Value'), params.get('Tags.member.2.Name'), params.get('Tags.member.2.Value')]).toEqual([
      'campaign',
      'welcome-1',
      'tier',
      'gold',
    ]);
    expect(Buffer.from(params.get('RawMessage.Data')!, 'base64').toString('utf8')).toBe(message.raw);
  });

  it('reports throttling as throttled, after the SDK retried it', async () => {
    answer = error(400, 'Throttling', 'Maximum sending rate exceeded.');
    const failed = await failure(await transport());
    expect(failed.failure).toMatchObject({ kind: 'throttled', code: 'Throttling' });
    expect(stub.requests.length).toBe(3);
  });

  it.each([
    ['MessageRejected', 'Email address is not verified.'],
    ['MailFromDomainNotVerifiedException', 'MAIL FROM domain is not verified.'],
    ['ConfigurationSetDoesNotExist', 'Configuration set posthaste does not exist.'],
  ])('reports %s as permanent, without retrying', async (code, message) => {
    answer = error(400, code, message);
    const failed = await failure(await transport());
    expect(failed.failure.kind).toBe('permanent');
    expect(failed.failure.response).toContain(message);
    expect(stub.requests.length).toBe(1);
  });

  it.each(['AccountSendingPausedException', 'ConfigurationSetSendingPausedException'])('reports %s as temporary, needing an operator', async (code) => {
    answer = error(400, code, 'Sending is paused.');
    expect((await failure(await transport())).failure).toMatchObject({ kind: 'temporary', needsOperator: true });
  });

  it('stays under MaxSendRate, reading the quota once per refresh', async () => {
    answer = (params) => (params.get('Action') === 'GetSendQuota' ? sendQuota(5) : sendRawEmailOk('0100-rate-000000'));
    const client = await sesClient(settings(stub.url));
    // A clock that stands still while the sends wait: all four arrive at the same instant.
    let now = 0;
    const waits: number[] = [];
    const rate = new SesSendRate(client, { share: 1, log: silentLog, refreshMs: 60_000, now: () => now, sleep: async (ms) => void waits.push(ms) });
    const limited = new SesTransport(client, { rate });
    // 4 messages of 3 recipients: 12 SES messages at 5/s. The bucket starts with the one
    // token of the sandbox rate it assumes until the quota is read, so the sends leave
    // 0.4 s, 1 s, 1.6 s and 2.2 s ((12 - 1) / 5) after they arrive.
    await Promise.all(Array.from({ length: 4 }, () => limited.send(outgoing())));
    expect(rate.rate).toBe(5);
    expect(waits).toEqual([400, 1000, 1600, 2200]);
    const quotaReads = () => stub.requests.filter((p) => p.get('Action') === 'GetSendQuota').length;
    expect(quotaReads()).toBe(1);
    now += 59_999;
    await rate.acquire(1);
    expect(quotaReads()).toBe(1);
    now += 1;
    await rate.acquire(1);
    expect(quotaReads()).toBe(2);
  });

  it('shares the rate among deliver containers', async () => {
    answer = () => sendQuota(14);
    const rate = new SesSendRate(await sesClient(settings(stub.url)), { share: 4, log: silentLog });
    await rate.acquire(1);
    expect(rate.rate).toBe(3.5);
  });
});

describe('the deliver function on SES', () => {
  let local: LocalDynamo;
  let stub: Awaited<ReturnType<typeof startSesStub>>;
  let answer: StubAnswer;
  const logged: { level: string; message: string }[] = [];
  const log: Log = (level, message) => logged.push({ level, message });

  beforeAll(async () => {
    local = await startLocalDynamo();
    stub = await startSesStub(() => answer);
  });
  afterAll(async () => {
    await stub?.stop();
    await local?.stop();
  });

  async function deliverOnce(id: string) {
    const env = { ...local.env, QUEUE_URL: 'http://127.0.0.1:9/000000000000/q', TRANSPORT: 'ses', SES_MAX_SEND_RATE: '100', RETRY_BASE_SECONDS: '0' };
    const aws = { ...local.aws, endpoints: { ...local.aws.endpoints, ses: stub.url } };
    const deps = deliverDeps(env, aws, await transportFromEnv(env, aws, log), log);
    const messages = new DynamoDbMessageStore(dynamoClient(aws), local.env.MESSAGES_TABLE!);
    await messages.create(newRecord(id, request, new Date().toISOString()));
    const event: SQSEvent = {
      Records: [
        {
          messageId: id,
          receiptHandle: id,
          body: JSON.stringify({ v: 1, id, request }),
          attributes: { ApproximateReceiveCount: '1' },
        } as SQSEvent['Records'][number],
      ],
    };
    const response = await createDeliverHandler(deps)(event, lambdaContext('posthaste-deliver'));
    return { response, record: await messages.get(id) };
  }

  it('stores the SES MessageId of a sent message', async () => {
    answer = sendRawEmailOk('0100-sent-000000');
    const { response, record } = await deliverOnce('ses-sent');
    expect(response!.batchItemFailures).toEqual([]);
    expect(record).toMatchObject({ status: 'sent', providerMessageId: '0100-sent-000000' });
  });

  it('fails a rejected message at once', async () => {
    answer = { error: { status: 400, code: 'MessageRejected', message: 'Email address is not verified.' } };
    const { response, record } = await deliverOnce('ses-rejected');
    expect(response!.batchItemFailures).toEqual([]);
    expect(record).toMatchObject({ status: 'failed', failureReason: 'MessageRejected: Email address is not verified.' });
  });

  it('retries while sending is paused, and logs an error', async () => {
    answer = { error: { status: 400, code: 'AccountSendingPausedException', message: 'Sending is paused for this account.' } };
    const { response, record } = await deliverOnce('ses-paused');
    expect(response!.batchItemFailures).toEqual([{ itemIdentifier: 'ses-paused' }]);
    expect(record!.status).toBe('queued');
    expect(logged).toContainEqual({ level: 'error', message: 'delivery will be retried' });
  });
});
