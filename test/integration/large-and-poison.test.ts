import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { dynamoClient, s3Client, sqsClient } from '../../functions/compose/clients.js';
import { newRecord } from '../../functions/core/accept-email.js';
import { silentLog } from '../../functions/core/log.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { getJson, postJson, waitFor, waitForStatus } from '../helpers/http.js';

/** Claim-check objects only (claim-check.ts): what each message sent is kept beside them under content/ (sent-content.ts). */
const CLAIM_CHECKS = 'payloads/';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({
    maxReceives: 3,
    visibilityTimeoutSeconds: 1,
    retryBaseSeconds: 0,
    leaseSeconds: 5,
    allowedSenderDomains: 'example.com',
    scheduleSweepMs: 500,
    log: () => silentLog,
  });
});

afterAll(async () => {
  await pipeline?.stop();
});

const dlqBodies = () => pipeline.queueBodies('dlq');

describe('large messages travel through the payload store', () => {
  it('delivers a 7 MB attachment end to end with bounded memory, then removes the stored body', async () => {
    const attachment = randomBytes(7 * 1024 * 1024);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const res = await postJson(`${pipeline.apiUrl}/v1/emails`, {
        from: 'big@example.com',
        to: 'rcpt@example.org',
        subject: 'the big one',
        text: 'see attachment',
        attachments: [{ filename: 'data.bin', content: attachment.toString('base64'), contentType: 'application/octet-stream' }],
      });
      expect(res.status).toBe(202);
      // The queue message is a ticket, not the body.
      const record = await waitForStatus(pipeline.apiUrl, res.body.id, ['sent', 'failed'], 30_000);
      expect(record.status).toBe('sent');
      const received = pipeline.sink!.received.find((m) => m.raw.toString('latin1').includes(res.body.id))!;
      const parsed = await simpleParser(received.raw);
      expect(parsed.attachments[0]!.content.equals(attachment)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`7 MB attachment: peak RSS growth ${growthMb.toFixed(0)} MB (API + deliver + stand-ins in one process)`);
    expect(growthMb).toBeLessThan(400);
    const s3 = s3Client(pipeline.aws);
    const listed = await waitFor(
      async () => {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: 'posthaste-payloads', Prefix: CLAIM_CHECKS }));
        return (out.KeyCount ?? 0) === 0 ? out : undefined;
      },
      5000,
      'the stored payload to be removed',
    );
    expect(listed.KeyCount ?? 0).toBe(0);
  }, 60_000);

  it('keeps small messages inline in the queue', async () => {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'b@example.org', subject: 's', text: 'small' });
    await waitForStatus(pipeline.apiUrl, res.body.id, ['sent']);
    const out = await s3Client(pipeline.aws).send(new ListObjectsV2Command({ Bucket: 'posthaste-payloads', Prefix: CLAIM_CHECKS }));
    expect(out.KeyCount ?? 0).toBe(0);
  });
});

describe('poison messages', () => {
  it('moves an unreadable queue message to the DLQ after the receive limit with status failed and the reason', async () => {
    // A record whose queue message is corrupt: the id is readable, the request is not.
    const store = new DynamoDbMessageStore(dynamoClient(pipeline.aws), pipeline.env.MESSAGES_TABLE!);
    const id = '01a2b3c4-0000-7000-8000-00000000bad1';
    await store.create(newRecord(id, parseSendRequest({ from: 'a@example.com', to: 'b@example.org', subject: 'x', text: 'x' }), new Date().toISOString()));
    const body = JSON.stringify({ v: 1, id, request: { from: 42 } });
    await sqsClient(pipeline.aws).send(new SendMessageCommand({ QueueUrl: pipeline.queueUrl, MessageBody: body }));

    const record = await waitForStatus(pipeline.apiUrl, id, ['failed'], 20_000);
    expect(record.failureReason).toMatch(/unreadable queue message: queued request is invalid/);
    await waitFor(() => (dlqBodies().includes(body) ? true : undefined), 10_000, 'the message in the DLQ');
    expect(pipeline.sink!.received.some((m) => m.raw.toString('latin1').includes(id))).toBe(false);
  }, 30_000);

  it('sends a queue message that is not even JSON to the DLQ without crashing the batch', async () => {
    const body = 'this is not json';
    await sqsClient(pipeline.aws).send(new SendMessageCommand({ QueueUrl: pipeline.queueUrl, MessageBody: body }));
    const healthy = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'b@example.org', subject: 'next', text: 'x' });
    await waitForStatus(pipeline.apiUrl, healthy.body.id, ['sent']);
    await waitFor(() => (dlqBodies().includes(body) ? true : undefined), 15_000, 'the message in the DLQ');
  }, 30_000);
});

describe('sender policy', () => {
  it('refuses a from outside the allowed sender domains with 403 naming the field, and queues nothing', async () => {
    const before = pipeline.sink!.received.length;
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'ceo@evil.test', to: 'b@example.org', subject: 'x', text: 'x' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'sender_not_allowed', field: 'from' });
    const sub = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'news@mail.example.com', to: 'b@example.org', subject: 'x', text: 'x' });
    expect(sub.status).toBe(202);
    await waitForStatus(pipeline.apiUrl, sub.body.id, ['sent']);
    expect(pipeline.sink!.received.length).toBe(before + 1);
    expect((await getJson(`${pipeline.apiUrl}/v1/emails/${sub.body.id}`)).body.from).toBe('news@mail.example.com');
  });
});

describe('large messages in batches', () => {
  it('sends batch items beyond what one SQS batch call carries through the payload store', async () => {
    const big = randomBytes(2 * 1024 * 1024);
    const item = (n: number) => ({
      from: 'a@example.com',
      to: `big${n}@example.org`,
      subject: `big ${n}`,
      text: 'x',
      attachments: [{ filename: 'b.bin', content: big.toString('base64') }],
    });
    const res = await postJson(`${pipeline.apiUrl}/v1/emails/batch`, [
      item(1),
      item(2),
      { from: 'a@example.com', to: 'small@example.org', subject: 'small', text: 'x' },
    ]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
    for (const result of res.body.results) expect((await waitForStatus(pipeline.apiUrl, result.id, ['sent', 'failed'], 30_000)).status).toBe('sent');
    const received = pipeline.sink!.received.find((m) => m.envelope.to.includes('big2@example.org'))!;
    expect((await simpleParser(received.raw)).attachments[0]!.content.equals(big)).toBe(true);
  }, 60_000);
});

describe('large scheduled messages', () => {
  it('keeps a large scheduled request in the payload store until it is due, delivers it, then removes it', async () => {
    const big = randomBytes(1024 * 1024);
    const scheduledAt = new Date(Date.now() + 2500).toISOString();
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'a@example.com',
      to: 'later@example.org',
      subject: 'big and later',
      text: 'x',
      scheduledAt,
      attachments: [{ filename: 'b.bin', content: big.toString('base64') }],
    });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('scheduled');
    const s3 = s3Client(pipeline.aws);
    const stored = await s3.send(new ListObjectsV2Command({ Bucket: 'posthaste-payloads', Prefix: 'scheduled/' }));
    expect(stored.Contents?.map((o) => o.Key)).toEqual([`scheduled/${res.body.id}.json`]);
    const record = await waitForStatus(pipeline.apiUrl, res.body.id, ['sent', 'failed'], 30_000);
    expect(record.status).toBe('sent');
    const received = pipeline.sink!.received.find((m) => m.envelope.to.includes('later@example.org'))!;
    expect(received.at).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
    expect((await simpleParser(received.raw)).attachments[0]!.content.equals(big)).toBe(true);
    await waitFor(
      async () => {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: 'posthaste-payloads', Prefix: 'scheduled/' }));
        return (out.KeyCount ?? 0) === 0 ? true : undefined;
      },
      5000,
      'the stored scheduled request to be removed',
    );
  }, 60_000);
});
