/** The suppression and bounce routes over HTTP, their tables on dynalite. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store.js';
import { DynamoDbSuppressionStore } from '../../functions/adapters/dynamodb-suppression-store.js';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import { apiDeps } from '../../functions/compose/api.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { feedbackKey } from '../../functions/core/feedback.js';
import { silentLog } from '../../functions/core/log.js';
import { type Gateway, startGateway } from '../../local/http-gateway.js';
import { getJson } from '../helpers/http.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';

let local: LocalDynamo;
let gateway: Gateway;

beforeAll(async () => {
  local = await startLocalDynamo();
  gateway = await startGateway({ handler: createApiHandler(apiDeps({ ...local.env, QUEUE_URL: 'http://127.0.0.1:9/000000000000/q' }, local.aws), silentLog) });
  const suppressions = new DynamoDbSuppressionStore(dynamoClient(local.aws), local.env.SUPPRESSIONS_TABLE!);
  for (let i = 0; i < 7; i++)
    await suppressions.add({ address: `user${i}@example.org`, reason: 'bounce', origin: 'ses', createdAt: '2026-01-01T00:00:00.000Z' });
  const feedback = new DynamoDbFeedbackStore(dynamoClient(local.aws), local.env.FEEDBACK_TABLE!);
  for (let day = 1; day <= 5; day++) {
    const timestamp = `2026-01-0${day}T00:00:00.000Z`;
    await feedback.record({
      recipient: 'user1@example.org',
      feedbackKey: feedbackKey(timestamp, 'bounce', `f${day}`),
      type: 'bounce',
      timestamp,
      feedbackId: `f${day}`,
      origin: 'ses',
      recordedAt: timestamp,
      bounceType: 'Transient',
    });
  }
});

afterAll(async () => {
  await gateway?.stop();
  await local?.stop();
});

describe('GET /v1/suppressions', () => {
  it('pages through every entry with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await getJson(`${gateway.url}/v1/suppressions?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((s: { address: string }) => s.address));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `user${i}@example.org`));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=101', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from(JSON.stringify({ address: 1 })).toString('base64url')}`, 'cursor'],
  ])('refuses ?%s with a 422 naming %s', async (query, field) => {
    const res = await getJson(`${gateway.url}/v1/suppressions?${query}`);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'validation_failed', field });
  });
});

describe('GET and DELETE /v1/suppressions/{address}', () => {
  it('finds an entry whatever the case of the address', async () => {
    const res = await getJson(`${gateway.url}/v1/suppressions/User2%40Example.ORG`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ address: 'user2@example.org', reason: 'bounce' });
  });

  it('answers 404 for an address that is not suppressed, and 422 for one that is not an address', async () => {
    expect((await getJson(`${gateway.url}/v1/suppressions/someone@example.org`)).body).toMatchObject({ status: 404, code: 'not_found', field: 'address' });
    expect((await getJson(`${gateway.url}/v1/suppressions/not-an-address`)).body).toMatchObject({ status: 422, field: 'address' });
    const res = await fetch(`${gateway.url}/v1/suppressions/someone@example.org`, { method: 'DELETE' });
    expect(res.status).toBe(404);
  });

  it('deletes an entry once', async () => {
    expect((await fetch(`${gateway.url}/v1/suppressions/user6@example.org`, { method: 'DELETE' })).status).toBe(204);
    expect((await getJson(`${gateway.url}/v1/suppressions/user6@example.org`)).status).toBe(404);
  });
});

describe('GET /v1/bounces', () => {
  it('lists a recipient’s records newest first, page by page', async () => {
    const first = await getJson(`${gateway.url}/v1/bounces?recipient=user1@example.org&limit=2`);
    expect(first.body.data.map((r: { feedbackId: string }) => r.feedbackId)).toEqual(['f5', 'f4']);
    const second = await getJson(`${gateway.url}/v1/bounces?recipient=user1@example.org&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((r: { feedbackId: string }) => r.feedbackId)).toEqual(['f3', 'f2']);
  });

  it('refuses a cursor from another recipient’s listing', async () => {
    const first = await getJson(`${gateway.url}/v1/bounces?recipient=user1@example.org&limit=2`);
    const res = await getJson(`${gateway.url}/v1/bounces?recipient=user2@example.org&cursor=${first.body.nextCursor}`);
    expect(res.body).toMatchObject({ status: 422, field: 'cursor' });
  });

  it('answers an empty page for a recipient without records, and 422 for one that is not an address', async () => {
    expect((await getJson(`${gateway.url}/v1/bounces?recipient=someone@example.org`)).body).toEqual({ data: [] });
    expect((await getJson(`${gateway.url}/v1/bounces?recipient=someone`)).body).toMatchObject({ status: 422, field: 'recipient' });
  });
});
