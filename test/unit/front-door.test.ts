import type { APIGatewayProxyResult } from 'aws-lambda';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import { checkOut } from '../../functions/core/check-out.js';
import { silentLog } from '../../functions/core/log.js';
import { systemClock } from '../../functions/core/ports.js';
import { lambdaContext } from '../../local/sqs-poller.js';
import { type ApiCall, apiEvent } from '../helpers/api-event.js';
import { MemoryMessageStore, MemoryQueue, passThroughIdempotency, unreachable } from '../helpers/memory-ports.js';

/**
 * The front door's promises, on the api function with in-memory ports: what is accepted is
 * deliverable, bad input gets a 4xx in plain words naming the field, and problem documents
 * stay small whatever the input.
 */

const queue = new MemoryQueue();
const handler = createApiHandler(
  {
    accept: { messages: new MemoryMessageStore(), queue, clock: systemClock, newId: uuidv7 },
    messages: new MemoryMessageStore(),
    idempotency: passThroughIdempotency,
    suppressions: unreachable('suppressions'),
    feedback: unreachable('feedback'),
  },
  silentLog,
);

async function call(request: ApiCall): Promise<APIGatewayProxyResult & { json: any }> {
  const res = await handler(apiEvent(request), lambdaContext('test'));
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
}
const send = (body: unknown, headers?: Record<string, string | undefined>) => call({ path: '/v1/emails', body, ...(headers ? { headers } : {}) });

const valid = { from: 'app@example.com', to: 'user@example.org', subject: 'Hello', text: 'Hi' };
const messagesOf = (res: { json: { errors?: { field: string; message: string }[] } }) => res.json.errors ?? [];

describe('one schema for one request (what is accepted is deliverable)', () => {
  const name = 'N'.repeat(257);

  it('refuses a display name over 256 characters in the string form as in the object form', async () => {
    expect((await send({ ...valid, from: `${'🎉'.repeat(257)} <app@example.com>` })).statusCode).toBe(422);
    const asString = await send({ ...valid, from: `${name} <app@example.com>` });
    const asObject = await send({ ...valid, from: { name, email: 'app@example.com' } });
    expect(asString.statusCode).toBe(422);
    expect(asObject.statusCode).toBe(422);
    expect(asString.json.errors[0].message).toBe(asObject.json.errors[0].message);
    expect(asString.json.errors[0].message).toMatch(/longer than 256 characters/);
  });

  it('accepts a 256-character name in either form, and the deliver worker reads the queued body', async () => {
    for (const from of [
      `${'N'.repeat(256)} <app@example.com>`,
      { name: ` ${'N'.repeat(256)} `, email: 'app@example.com' },
      `${'🎉'.repeat(256)} <app@example.com>`,
    ]) {
      const res = await send({ ...valid, from });
      expect(res.statusCode).toBe(202);
      const read = await checkOut(queue.sent.at(-1)!.body, undefined);
      expect(read.readable).toBe(true);
    }
  });
});

describe('text and html, and messages in plain words', () => {
  it('refuses a message with no content: empty text and no html, or both empty', async () => {
    for (const body of [
      { ...valid, text: '' },
      { ...valid, text: '', html: '' },
      { ...valid, text: undefined, html: ' \n' },
    ]) {
      const res = await send(body);
      expect(res.statusCode).toBe(422);
      expect(res.json.field).toBe('text');
      expect(res.json.errors[0].message).toBe('text or html must have content');
    }
    expect((await send({ ...valid, text: '', html: '<p>hi</p>' })).statusCode).toBe(202);
  });

  it('says "is required" for every missing required field', async () => {
    for (const field of ['from', 'to', 'subject'] as const) {
      const body: Record<string, unknown> = { ...valid };
      delete body[field];
      const res = await send(body);
      expect(res.statusCode).toBe(422);
      expect(messagesOf(res)).toEqual([{ field, message: 'is required' }]);
    }
    const res = await send({ ...valid, attachments: [{}], tags: [{}] });
    expect(messagesOf(res)).toEqual([
      { field: 'attachments[0].filename', message: 'is required' },
      { field: 'attachments[0].content', message: 'is required' },
      { field: 'tags[0].name', message: 'is required' },
      { field: 'tags[0].value', message: 'is required' },
    ]);
  });

  const RAW_ZOD = /Invalid input|expected|received|Too (big|small)|Invalid (string|option|key|element)|Unrecognized/;
  const many = <T>(n: number, item: (i: number) => T) => Array.from({ length: n }, (_, i) => item(i));
  const wrong: [string, unknown][] = [
    ['from', 5],
    ['from', {}],
    ['from', { email: 5 }],
    ['from', { name: 5, email: 'a@example.com' }],
    ['from', { name: 'x', email: 'a@example.com', extra: 1 }],
    ['to', 5],
    ['to', []],
    ['to', [5]],
    ['to', many(51, (i) => `u${i}@example.org`)],
    ['cc', null],
    ['bcc', [{}]],
    ['replyTo', 'not an address'],
    ['subject', 5],
    ['subject', 'x'.repeat(999)],
    ['subject', 'a\r\nb'],
    ['text', 5],
    ['html', []],
    ['attachments', 5],
    ['attachments', [5]],
    ['attachments', [{ filename: 5, content: 5, contentType: 5, contentId: 5 }]],
    ['attachments', [{ filename: '', content: '!!', contentType: 'nope', contentId: 'a b' }]],
    ['attachments', many(101, () => ({ filename: 'a', content: '' }))],
    ['headers', 5],
    ['headers', { 'X-A': 5, Subject: 'x', 'bad name': 'v' }],
    ['tags', 5],
    ['tags', [5]],
    ['tags', [{ name: 5, value: 'a b' }]],
    ['tags', many(51, () => ({ name: 'a', value: 'b' }))],
    ['scheduledAt', 5],
    ['scheduledAt', 'tomorrow'],
  ];

  const label = (value: unknown) => {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  };
  it.each(wrong.map(([field, value]) => [field, label(value), value] as const))('%s = %s is refused in plain words', async (field, _label, value) => {
    const res = await send({ ...valid, [field]: value });
    expect(res.statusCode).toBe(422);
    for (const issue of messagesOf(res)) {
      expect(issue.field.startsWith(field), issue.field).toBe(true);
      expect(issue.message).not.toMatch(RAW_ZOD);
      expect(issue.message).toMatch(/^(is |must |has |at |contains )/);
    }
    expect(res.json.detail).not.toMatch(RAW_ZOD);
  });
});

describe('problem documents stay small whatever the input', () => {
  const MAX_PROBLEM_BYTES = 16 * 1024;

  it('a 3 MB invalid header name answers a small 422 that names the header', async () => {
    const name = `X-${'a'.repeat(3 * 1024 * 1024)} `;
    const res = await send({ ...valid, headers: { [name]: 'v' } });
    expect(res.statusCode).toBe(422);
    expect(res.json.field).toMatch(/^headers\.X-a+…$/);
    expect(Buffer.byteLength(res.body)).toBeLessThan(MAX_PROBLEM_BYTES);
  });

  it('bounds the number of errors and the size of unknown field names', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`${'k'.repeat(500)}${i}`, 1]));
    const res = await send({ ...valid, ...unknown, to: Array.from({ length: 5000 }, () => 'not an address') });
    expect(res.statusCode).toBe(422);
    expect(res.json.errors.length).toBeLessThanOrEqual(10);
    expect(Buffer.byteLength(res.body)).toBeLessThan(MAX_PROBLEM_BYTES);
  });

  it('keeps control characters and emoji in echoed names from inflating the document', async () => {
    const key = (i: number) => `${'\u0001🎉'.repeat(300)}${i}`;
    const res = await send({
      ...valid,
      ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [key(i), 1])),
      headers: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [key(i), '\u0001'])),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json.errors).toHaveLength(10);
    console.log(`largest problem document: ${Buffer.byteLength(res.body)} bytes`);
    expect(Buffer.byteLength(res.body)).toBeLessThan(MAX_PROBLEM_BYTES);
  });

  it('a batch of 100 hostile items answers one bounded result per item', async () => {
    const hostile = { ...valid, headers: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${'\u0001'.repeat(20_000)}${i}`, 'v'])) };
    const res = await call({ path: '/v1/emails/batch', body: Array.from({ length: 100 }, () => hostile) });
    expect(res.statusCode).toBe(207);
    expect(res.json.results).toHaveLength(100);
    expect(Buffer.byteLength(res.body)).toBeLessThan(100 * MAX_PROBLEM_BYTES);
    for (const result of res.json.results) expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(MAX_PROBLEM_BYTES);
  });

  it('echoes no more than a bounded part of a path or content type', async () => {
    const path = await call({ method: 'GET', path: `/v1/${'p'.repeat(100_000)}` });
    expect(path.statusCode).toBe(404);
    expect(Buffer.byteLength(path.body)).toBeLessThan(MAX_PROBLEM_BYTES);
    const type = await send(valid, { 'content-type': `text/${'x'.repeat(50_000)}` });
    expect(type.statusCode).toBe(415);
    expect(Buffer.byteLength(type.body)).toBeLessThan(MAX_PROBLEM_BYTES);
  });
});

describe('JSON depth is bounded before anything reads the body', () => {
  const deepHandler = createApiHandler(
    {
      accept: { messages: new MemoryMessageStore(), queue: new MemoryQueue(), clock: systemClock, newId: uuidv7 },
      messages: new MemoryMessageStore(),
      idempotency: unreachable('idempotency'),
      suppressions: unreachable('suppressions'),
      feedback: unreachable('feedback'),
    },
    silentLog,
  );

  it.each(['/v1/emails', '/v1/emails/batch'])('%s: 10,000 nested arrays or objects are a 400 naming the body', async (path) => {
    for (const body of ['['.repeat(10_000) + ']'.repeat(10_000), `${'{"to":'.repeat(10_000)}1${'}'.repeat(10_000)}`]) {
      const res = await deepHandler(apiEvent({ path, body, headers: { 'Idempotency-Key': 'deep-1' } }), lambdaContext('test'));
      expect(res.statusCode).toBe(400);
      const problem = JSON.parse(res.body);
      expect(problem.code).toBe('invalid_json');
      expect(problem.field).toBe('(body)');
      expect(problem.errors[0].message).toMatch(/nested more than \d+ levels/);
    }
  });

  it('brackets inside strings do not count', async () => {
    const res = await send({ ...valid, text: '['.repeat(10_000) });
    expect(res.statusCode).toBe(202);
  });
});

describe('content type', () => {
  it.each(['/v1/emails', '/v1/emails/batch'])('%s: a POST without application/json is a 415', async (path) => {
    const body = path.endsWith('batch') ? [valid] : valid;
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const res = await call({ path, body, headers: { 'content-type': type } });
      expect(res.statusCode, String(type)).toBe(415);
      expect(res.json.code).toBe('unsupported_media_type');
      expect(res.json.field).toBe('content-type');
    }
    for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/merge+json'])
      expect((await call({ path, body, headers: { 'content-type': type } })).statusCode).toBeLessThan(300);
  });
});
