import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../functions/adapters/aws-clients.js';
import { DynamoDbApiKeyStore } from '../../functions/adapters/dynamodb-api-key-store.js';
import { createApiKey, revokeApiKey } from '../../functions/core/api-key-admin.js';
import type { Log } from '../../functions/core/log.js';
import { systemClock } from '../../functions/core/ports.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { postJson, waitForStatus } from '../helpers/http.js';
import { sendQueueDrained } from '../helpers/send-queue.js';

const lines: string[] = [];
const capture =
  (component: string): Log =>
  (level, message, fields) =>
    lines.push(`${level} [${component}] ${message} ${JSON.stringify(fields ?? {})}`);
let pipeline: Pipeline;
let apiKey: string;
let revokedKey: string;

const email = { from: 'app@example.com', to: 'someone@example.org', subject: 'auth', text: 'x' };
const queued = () => pipeline.queueBodies('send').length;

beforeAll(async () => {
  pipeline = await startPipeline({ requireApiKeys: true, log: capture });
  const deps = { store: new DynamoDbApiKeyStore(dynamoClient(pipeline.aws), pipeline.env.API_KEYS_TABLE!), clock: systemClock };
  apiKey = (await createApiKey(deps, 'billing-service')).apiKey;
  revokedKey = (await createApiKey(deps, 'old-service')).apiKey;
  await revokeApiKey(deps, revokedKey);
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('API authentication (the authorizer API Gateway runs, on the local gateway)', () => {
  it.each([
    ['no credentials', {}],
    ['a malformed key', { authorization: 'Bearer nonsense' }],
    ['a wrong secret', { authorization: () => `Bearer ${apiKey.slice(0, -4)}AAAA` }],
    ['a revoked key', { authorization: () => `Bearer ${revokedKey}` }],
  ])('refuses %s with 401 and queues nothing', async (_name, spec) => {
    const headers = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
    const before = queued();
    const sentBefore = pipeline.sink!.received.length;
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, email, headers);
    expect(res.status).toBe(401);
    expect(queued()).toBe(before);
    // A message sent after the refused one, and the queue drained: had the refused one been
    // queued, it would have reached the relay by now.
    const witness = await postJson(`${pipeline.apiUrl}/v1/emails`, { ...email, to: 'witness@example.org' }, { authorization: `Bearer ${apiKey}` });
    await waitForStatus(pipeline.apiUrl, witness.body.id, ['sent'], 15_000, { authorization: `Bearer ${apiKey}` });
    await sendQueueDrained(pipeline);
    expect(pipeline.sink!.received.slice(sentBefore).map((m) => m.envelope.to)).toEqual([['witness@example.org']]);
  });

  it('accepts a valid key, and the key never appears in any log line', async () => {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, email, { authorization: `Bearer ${apiKey}` });
    expect(res.status).toBe(202);
    const record = await waitForStatus(pipeline.apiUrl, res.body.id, ['sent'], 15_000, { authorization: `Bearer ${apiKey}` });
    expect(record.status).toBe('sent');
    const secret = apiKey.split('_').at(-1)!;
    const all = lines.join('\n');
    expect(all).toContain('API key refused');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(revokedKey.split('_').at(-1)!);
  });
});
