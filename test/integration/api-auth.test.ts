import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbApiKeyStore } from '../../functions/adapters/dynamodb-api-key-store.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { parseApiKey } from '../../functions/core/api-key.js';
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
    // The secret is everything after `ph_<key id>_`; it may itself hold '_' (base64url).
    const secretOf = (key: string) => parseApiKey(key)!.secret;
    const all = lines.join('\n');
    expect(all).toContain('API key refused');
    expect(all).not.toContain(secretOf(apiKey));
    expect(all).not.toContain(secretOf(revokedKey));
  });

  it('refuses in the same problem+json documents as the deployed gateway responses', async () => {
    const unauthorized = await fetch(`${pipeline.apiUrl}/v1/emails`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('content-type')).toBe('application/problem+json');
    expect(await unauthorized.json()).toEqual({
      type: 'urn:posthaste:problem:unauthorized',
      title: 'Missing or invalid credentials',
      status: 401,
      code: 'unauthorized',
      detail: expect.stringContaining('Authorization: Bearer'),
      instance: expect.any(String),
      // Resend's error fields, for apps on the resend SDK.
      statusCode: 401,
      name: 'missing_api_key',
      message: expect.stringContaining('Authorization: Bearer'),
    });
    const tooLarge = await fetch(`${pipeline.apiUrl}/v1/emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toBe('application/problem+json');
    expect(await tooLarge.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
  });
});

describe('the local gateway and other pages in the browser', () => {
  let open: Pipeline;
  beforeAll(async () => {
    open = await startPipeline({ allowedOrigins: ['http://console.test:8080'] });
  });
  afterAll(async () => {
    await open?.stop();
  });
  const post = (headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${open.apiUrl}/v1/emails`);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(email));
    });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['an opaque Origin', { origin: 'null' }],
    ['a Host that is not this machine (DNS rebinding)', { host: 'evil.example' }],
  ])('refuses %s with 403 problem+json and queues nothing', async (_case, headers) => {
    const before = open.queueBodies('send').length;
    const res = await post(headers);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ status: 403, code: 'forbidden', detail: expect.any(String) });
    expect(open.queueBodies('send').length).toBe(before);
  });

  it('lets through its own origin, a configured one, and tools that send no Origin', async () => {
    const own = new URL(open.apiUrl).origin;
    expect((await post({ origin: own })).status).toBe(202);
    expect((await post({ origin: 'http://console.test:8080' })).status).toBe(202);
    expect((await post({})).status).toBe(202);
    expect((await post({ host: `localhost:${new URL(open.apiUrl).port}` })).status).toBe(202);
  });
});
