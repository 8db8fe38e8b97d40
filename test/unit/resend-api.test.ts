import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import { lastEventOf } from '../../functions/api/resend/email-view.js';
import { readResendScheduledAt } from '../../functions/api/resend/scheduled-at.js';
import { checkOut } from '../../functions/core/check-out.js';
import type { Log } from '../../functions/core/log.js';
import type { RemoteFiles } from '../../functions/core/ports.js';
import type { EventType } from '../../functions/core/records.js';
import { lambdaContext } from '../../local/sqs-poller.js';
import { type ApiCall, apiEvent } from '../helpers/api-event.js';
import { MemoryMessageStore, MemoryQueue, passThroughIdempotency, unreachable } from '../helpers/memory-ports.js';

/**
 * The Resend surface's own logic on in-memory ports: Resend's names for what is wrong (in
 * the caller's snake_case), natural-language times, `last_event`, what is not served, and
 * attachments by URL fetched only for a request that would be accepted. The SDK itself runs
 * against the whole pipeline in test/integration/resend-sdk.test.ts.
 */

const now = new Date('2030-03-01T10:00:00.000Z');
const clock = { now: () => now };
const fetched: string[] = [];
const files: RemoteFiles = {
  async fetch(url, limits) {
    fetched.push(url);
    if (url.endsWith('/missing.pdf')) throw new Error('answered 404');
    return { content: Buffer.from(`file at ${url} (cap ${limits.maxBytes})`), contentType: 'application/pdf' };
  },
};
const logged: string[] = [];
const log: Log = (level, message) => void logged.push(`${level}: ${message}`);
const queue = new MemoryQueue();
const messages = new MemoryMessageStore();
const handler = createApiHandler(
  {
    accept: { messages, queue, clock, newId: () => `0190aaaa-0000-7000-8000-${String(queue.sent.length).padStart(12, '0')}`, log },
    messages,
    idempotency: passThroughIdempotency,
    suppressions: unreachable('suppressions'),
    feedback: unreachable('feedback'),
    remoteFiles: files,
  },
  log,
);

async function call(request: ApiCall): Promise<APIGatewayProxyResult & { json: any }> {
  const res = await handler(apiEvent(request), lambdaContext('test'));
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
}
const valid = { from: 'Acme <app@acme.test>', to: 'ann@example.org', subject: 'Hello', text: 'Hi' };
const send = (body: unknown) => call({ path: '/emails', body });

describe('Resend error names, in the fields as the caller wrote them', () => {
  it.each([
    ['a missing field', { ...valid, subject: undefined }, 'missing_required_field', 'Missing `subject` field.'],
    ['a bad reply_to', { ...valid, reply_to: 'nobody' }, 'validation_error', 'Invalid `reply_to` field'],
    [
      'a bad content_type',
      { ...valid, attachments: [{ filename: 'a.txt', content: 'YQ==', content_type: 'text' }] },
      'validation_error',
      '`attachments[0].content_type`',
    ],
    ['an unknown field', { ...valid, react: '<Email />' }, 'validation_error', 'Invalid `react` field: is not a known field.'],
    ['a template', { ...valid, template: { id: 'welcome' } }, 'validation_error', 'Invalid `template` field: is not supported here'],
    ['an attachment with neither content nor path', { ...valid, attachments: [{ filename: 'a.txt' }] }, 'invalid_attachment', '`attachments[0]`'],
    [
      'an attachment with both',
      { ...valid, attachments: [{ filename: 'a.txt', content: 'YQ==', path: 'https://x.test/a' }] },
      'invalid_attachment',
      '`attachments[0]`',
    ],
    ['unreadable scheduled_at', { ...valid, scheduled_at: 'whenever suits' }, 'validation_error', 'Invalid `scheduled_at` field'],
    ['a past scheduled_at', { ...valid, scheduled_at: '2020-01-01T00:00:00Z' }, 'validation_error', '`scheduled_at` field: must be in the future'],
  ])('%s', async (_name, body, name, message) => {
    const res = await send(body);
    expect(res.headers?.['content-type']).toBe('application/json');
    expect(res.json).toEqual({ statusCode: 422, name, message: expect.stringContaining(message) });
    expect(res.statusCode).toBe(422);
  });

  it('answers a body that is not JSON, and an Idempotency-Key out of bounds, in the same shape', async () => {
    expect((await call({ path: '/emails', body: '{"from":' })).json).toMatchObject({ statusCode: 400, name: 'validation_error' });
    expect((await call({ path: '/emails', body: valid, headers: { 'Idempotency-Key': 'k'.repeat(300) } })).json).toMatchObject({
      statusCode: 400,
      name: 'invalid_idempotency_key',
    });
  });

  it('logs a fault of ours with its cause and answers 503 application_error', async () => {
    const failing = createApiHandler(
      {
        accept: { messages: unreachable('messages'), queue, clock, newId: () => 'x', log },
        messages: unreachable('messages'),
        idempotency: passThroughIdempotency,
        suppressions: unreachable('suppressions'),
        feedback: unreachable('feedback'),
      },
      log,
    );
    const res = await failing(apiEvent({ path: '/emails', body: valid }), lambdaContext('test'));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 503, name: 'application_error' });
    expect(logged.at(-1)).toMatch(/^error: could not record the message/);
  });
});

describe('what is served and what is not', () => {
  it.each([
    ['GET', '/domains', 404, 'not_found', '/domains is not served'],
    ['POST', '/audiences', 404, 'not_found', 'audiences and contacts are not part of Posthaste'],
    ['GET', '/api-keys', 404, 'not_found', 'npx posthaste keys'],
    ['GET', '/no-such-thing', 404, 'not_found', 'does not exist'],
    ['DELETE', '/emails/0190aaaa-0000-7000-8000-000000000000', 405, 'method_not_allowed', 'DELETE is not allowed'],
  ])('%s %s → %i %s', async (method, path, statusCode, name, message) => {
    const res = await call({ method, path, ...(method === 'POST' ? { body: {} } : {}) });
    expect(res.statusCode).toBe(statusCode);
    expect(res.json).toEqual({ statusCode, name, message: expect.stringContaining(message) });
  });

  it('keeps /v1 answering problem documents', async () => {
    const res = await call({ method: 'GET', path: '/v1/nothing' });
    expect(res.headers?.['content-type']).toBe('application/problem+json');
  });

  it('refuses an x-batch-validation other than strict or permissive, naming the header', async () => {
    const res = await call({ path: '/emails/batch', body: [valid], headers: { 'x-batch-validation': 'lenient' } });
    expect(res.json).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('`x-batch-validation`') });
  });
});

describe('attachments by path', () => {
  it('fetches them into the queued message, with the served content type and the file name from the URL', async () => {
    fetched.length = 0;
    const res = await send({ ...valid, attachments: [{ path: 'https://files.acme.test/r/Q3%20report.pdf' }, { filename: 'a.txt', content: 'YQ==' }] });
    expect(res.statusCode).toBe(200);
    expect(fetched).toEqual(['https://files.acme.test/r/Q3%20report.pdf']);
    const read = await checkOut(queue.sent.at(-1)!.body, undefined);
    if (!read.readable) throw new Error('unreadable queue body');
    expect(read.message.request.attachments).toEqual([
      {
        filename: 'Q3 report.pdf',
        contentType: 'application/pdf',
        content: Buffer.from(`file at https://files.acme.test/r/Q3%20report.pdf (cap ${10 * 1024 * 1024})`).toString('base64'),
      },
      { filename: 'a.txt', contentType: 'text/plain', content: 'YQ==' },
    ]);
  });

  it('fetches nothing for a request that would be refused anyway, and names the attachment a fetch failed for', async () => {
    fetched.length = 0;
    const refused = await send({ ...valid, to: 'nobody', attachments: [{ path: 'https://files.acme.test/a.pdf' }] });
    expect(refused.json.name).toBe('validation_error');
    expect(fetched).toEqual([]);
    const missing = await send({ ...valid, attachments: [{ filename: 'x.pdf', content: 'YQ==' }, { path: 'https://files.acme.test/missing.pdf' }] });
    expect(missing.json).toEqual({ statusCode: 422, name: 'invalid_attachment', message: '`attachments[1].path` answered 404.' });
  });

  it('takes none in a batch', async () => {
    const res = await call({ path: '/emails/batch', body: [valid, { ...valid, attachments: [{ path: 'https://files.acme.test/a.pdf' }] }] });
    expect(res.json).toMatchObject({ statusCode: 422, name: 'invalid_attachment', message: expect.stringContaining('`[1].attachments[0].path`') });
  });
});

describe('scheduled_at as Resend reads it', () => {
  it.each([
    ['in 1 min', '2030-03-01T10:01:00.000Z'],
    ['in 2 hours', '2030-03-01T12:00:00.000Z'],
    ['tomorrow at 9am', '2030-03-02T09:00:00.000Z'],
    ['Friday at 3pm ET', '2030-03-01T20:00:00.000Z'],
    ['2030-03-05T08:00:00+01:00', '2030-03-05T08:00:00+01:00'],
  ])('%s → %s', async (phrase, iso) => {
    await expect(readResendScheduledAt(phrase, now)).resolves.toBe(iso);
  });

  it.each(['', 'soonish', 'send it in 1 min please', 'x'.repeat(500)])('refuses %j, naming the field', async (phrase) => {
    await expect(readResendScheduledAt(phrase, now)).rejects.toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'scheduled_at' })] }));
  });
});

describe('last_event', () => {
  const of = (...types: EventType[]) => lastEventOf({ status: 'queued', events: types.map((type) => ({ type, at: now.toISOString() })) });
  it.each([
    [['scheduled'], 'scheduled'],
    [['queued', 'retry'], 'queued'],
    [['queued', 'sent', 'delayed'], 'delivery_delayed'],
    [['queued', 'sent', 'delivered', 'opened', 'clicked'], 'clicked'],
    [['queued', 'recipient_rejected', 'failed'], 'failed'],
    [['queued', 'sent', 'recipient_rejected'], 'bounced'],
    [['queued', 'rejected'], 'failed'],
    [['scheduled', 'canceled'], 'canceled'],
    [['queued', 'suppressed'], 'suppressed'],
    [['queued', 'sent', 'complained'], 'complained'],
  ] as [EventType[], string][])('%j → %s', (types, expected) => {
    expect(of(...types)).toBe(expected);
  });
});
