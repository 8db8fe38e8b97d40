import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { powertoolsIdempotency } from '../../functions/adapters/powertools-idempotency.js';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { feedbackStores } from '../../functions/compose/stores.js';
import { silentLog } from '../../functions/core/log.js';
import { systemClock } from '../../functions/core/ports.js';
import { lambdaContext } from '../../local/sqs-poller.js';
import { LOCAL_TABLES } from '../../local/tables.js';
import { type ApiCall, apiEvent } from '../helpers/api-event.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';
import { MemoryQueue } from '../helpers/memory-ports.js';

/**
 * The front door on the real idempotency layer (Powertools on DynamoDB) and the real
 * stores: crafted input never gets a 5xx, and a retry under the same Idempotency-Key never
 * sends again, whatever the first answer was and whether saving it worked.
 */

const DYNAMODB_ITEM_LIMIT = 400 * 1024;

let dynamo: LocalDynamo;
let queue: MemoryQueue;
/** Fails the next UpdateItem on the idempotency table (the write that saves a response). */
let failNextSave = false;
let handler: ReturnType<typeof createApiHandler>;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const client = dynamoClient(dynamo.aws);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (failNextSave && context.commandName === 'UpdateItemCommand' && input.TableName === LOCAL_TABLES.idempotency) {
        failNextSave = false;
        throw Object.assign(new Error('injected: the idempotency table is unavailable'), { name: 'InternalServerError' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectSaveFailure' },
  );
  queue = new MemoryQueue();
  const messages = new DynamoDbMessageStore(client, LOCAL_TABLES.messages);
  handler = createApiHandler(
    {
      accept: { messages, queue, clock: systemClock, newId: uuidv7 },
      messages,
      idempotency: powertoolsIdempotency(client, LOCAL_TABLES.idempotency),
      ...feedbackStores({ SUPPRESSIONS_TABLE: LOCAL_TABLES.suppressions, FEEDBACK_TABLE: LOCAL_TABLES.feedback }, client),
    },
    silentLog,
  );
});

afterAll(async () => {
  await dynamo?.stop();
});

beforeEach(() => {
  failNextSave = false;
});

/**
 * Each call as an invocation whose remaining time is 29 s when it starts (what middy reads)
 * and 1 ms after: an in-progress lock that expires with the invocation is free again at once,
 * as it is in AWS a few seconds after a crashed or timed-out request.
 */
function invocation(): Context {
  let calls = 0;
  return { ...lambdaContext('posthaste-api'), getRemainingTimeInMillis: () => (calls++ === 0 ? 29_000 : 1) };
}

async function call(request: ApiCall) {
  const res = await handler(apiEvent(request), invocation());
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
}

const valid = { from: 'app@example.com', to: 'user@example.org', subject: 'Hello', text: 'Hi' };
const badHeader = (i: number) => ({ ...valid, headers: { [`${'\u0001'.repeat(20_000)}${i}`]: 'v' } });

async function idempotencyItemBytes(): Promise<number[]> {
  const client = dynamoClient(dynamo.aws);
  const { Items = [] } = await client.send(new ScanCommand({ TableName: LOCAL_TABLES.idempotency }));
  const sizes: number[] = [];
  for (const item of Items) {
    const { Item } = await client.send(new GetItemCommand({ TableName: LOCAL_TABLES.idempotency, Key: { id: item.id! } }));
    sizes.push(Buffer.byteLength(JSON.stringify(Item)));
  }
  return sizes;
}

describe('Idempotency-Key never sends twice', () => {
  it('stores a compact response for a batch whose full answer is large, and replays it without sending', async () => {
    const batch = [valid, ...Array.from({ length: 20 }, (_, i) => badHeader(i))];
    const headers = { 'Idempotency-Key': `big-batch-${Date.now()}` };
    const first = await call({ path: '/v1/emails/batch', body: batch, headers });
    expect(first.statusCode).toBe(207);
    expect(first.json.accepted).toBe(1);
    expect(queue.sent).toHaveLength(1);

    for (let retry = 0; retry < 3; retry++) {
      const again = await call({ path: '/v1/emails/batch', body: batch, headers });
      expect(again.statusCode).toBe(207);
      expect(again.json).toEqual(first.json);
    }
    expect(queue.sent).toHaveLength(1);
    const largest = Math.max(...(await idempotencyItemBytes()));
    console.log(`largest stored idempotency record: ${largest} bytes`);
    expect(largest).toBeLessThan(DYNAMODB_ITEM_LIMIT / 4);
  });

  it('the largest batch response it can be asked to keep still fits one DynamoDB item', async () => {
    // Every item as many errors as it can hold, each naming a key of the caller's that JSON
    // writes at its longest (control characters and emoji); 10 MB in all, API Gateway's limit.
    const key = (tag: string) => `${'\u0001🎉'.repeat(110)}${tag}`;
    const hostile = (i: number) => ({
      ...valid,
      ...Object.fromEntries(Array.from({ length: 30 }, (_, k) => [key(`${i}-${k}`), 1])),
      headers: Object.fromEntries(Array.from({ length: 50 }, (_, k) => [key(`${i}-${k}`), '\u0001'])),
    });
    const batch = [valid, ...Array.from({ length: 99 }, (_, i) => hostile(i))];
    expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThan(10 * 1024 * 1024);
    const res = await call({ path: '/v1/emails/batch', body: batch, headers: { 'Idempotency-Key': `worst-${Date.now()}` } });
    expect(res.statusCode).toBe(207);
    console.log(`hostile 100-item batch: answer ${Buffer.byteLength(res.body)} bytes`);
    const largest = Math.max(...(await idempotencyItemBytes()));
    console.log(`largest stored idempotency record: ${largest} bytes`);
    expect(largest).toBeLessThan(DYNAMODB_ITEM_LIMIT / 4);
  });

  it.each([
    ['/v1/emails', valid, 202],
    ['/v1/emails/batch', [valid, badHeader(0)], 207],
  ] as const)('%s: when saving the response fails, the caller still gets it and a retry sends nothing', async (path, body, status) => {
    const before = queue.sent.length;
    const headers = { 'Idempotency-Key': `save-fails-${path}-${Date.now()}` };
    failNextSave = true;
    const first = await call({ path, body, headers });
    expect(failNextSave).toBe(false);
    expect(first.statusCode).toBe(status);
    expect(queue.sent.length).toBe(before + 1);

    for (let retry = 0; retry < 3; retry++) {
      const again = await call({ path, body, headers });
      expect(again.statusCode).toBeLessThan(500);
      expect([status, 409]).toContain(again.statusCode);
    }
    expect(queue.sent.length).toBe(before + 1);
  });
});

describe('crafted input is a 4xx on the real stores', () => {
  it.each(['/v1/emails', '/v1/emails/batch'])('%s: 10,000 nested brackets with an Idempotency-Key are a 400', async (path) => {
    const res = await call({ path, body: '['.repeat(10_000) + ']'.repeat(10_000), headers: { 'Idempotency-Key': `deep-${Date.now()}` } });
    expect(res.statusCode).toBe(400);
    expect(res.json.field).toBe('(body)');
  });

  const cursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');
  const forged = (field: string) =>
    [
      ['empty', { [field]: '' }],
      ['3,000 characters', { [field]: 'a'.repeat(3000) }],
      ['not a string', { [field]: 5 }],
      ['an extra field', { [field]: 'a', other: 'b' }],
    ] as const;

  it.each(forged('address'))('/v1/suppressions: a forged cursor (%s) is a 422 naming cursor', async (_label, position) => {
    const res = await call({ method: 'GET', path: '/v1/suppressions', query: { cursor: cursor(position) } });
    expect(res.statusCode).toBe(422);
    expect(res.json.field).toBe('cursor');
  });

  it.each(forged('feedbackKey'))('/v1/bounces: a forged cursor (%s) is a 422 naming cursor', async (_label, position) => {
    const recipient = 'user@example.org';
    const res = await call({ method: 'GET', path: '/v1/bounces', query: { recipient, cursor: cursor({ recipient, ...position }) } });
    expect(res.statusCode).toBe(422);
    expect(res.json.field).toBe('cursor');
  });

  it('a cursor of absurd length is a 422, not an echo', async () => {
    const res = await call({ method: 'GET', path: '/v1/suppressions', query: { cursor: 'A'.repeat(1_000_000) } });
    expect(res.statusCode).toBe(422);
    expect(res.json.field).toBe('cursor');
    expect(Buffer.byteLength(res.body)).toBeLessThan(4096);
  });
});
