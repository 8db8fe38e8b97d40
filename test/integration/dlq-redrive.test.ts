/**
 * SQS's own redrive (what the console's "Start DLQ redrive" does: move the messages back,
 * knowing nothing of our records) brings a message whose retries ran out back to delivery,
 * as `npx posthaste dlq redrive` does, and delivers it once.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/compose/clients.js';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { postJson, waitFor, waitForStatus } from '../helpers/http.js';

let pipeline: Pipeline;
const deferred = new Set<string>();
const deliveriesTo = (id: string, address: string) =>
  pipeline.sink!.received.filter((m) => m.raw.toString('latin1').includes(`X-Posthaste-Id: ${id}`) && m.envelope.to.includes(address)).length;

beforeAll(async () => {
  pipeline = await startPipeline({
    log: () => silentLog,
    maxReceives: 2,
    visibilityTimeoutSeconds: 2,
    retryBaseSeconds: 0,
    leaseSeconds: 2,
    sink: {
      faults: { onRcpt: (address) => (deferred.has(address) ? { responseCode: 451, message: '4.3.0 Try again later' } : undefined) },
    },
  });
});

afterAll(async () => {
  await pipeline?.stop();
});

/** The console's redrive, done with the queue API: every DLQ message back onto the send queue, as it is. */
async function moveDeadLettersBack(): Promise<number> {
  const sqs = sqsClient(pipeline.aws);
  let moved = 0;
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: pipeline.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!out.Messages?.length) return moved;
    for (const m of out.Messages) {
      await sqs.send(new SendMessageCommand({ QueueUrl: pipeline.queueUrl, MessageBody: m.Body! }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: pipeline.dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
      moved++;
    }
  }
}

describe('a redrive by SQS itself', () => {
  it('delivers a message whose retries ran out, once', async () => {
    deferred.add('late@example.org');
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'app@example.com', to: 'late@example.org', subject: 'again', text: 'x' });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const failed = await waitForStatus(pipeline.apiUrl, id, ['failed'], 20_000);
    expect(failed.failureReason).toMatch(/^retries exhausted/);
    await waitFor(() => (pipeline.queueBodies('dlq').length === 1 ? true : undefined), 15_000, 'the message to reach the DLQ');

    deferred.delete('late@example.org');
    expect(await moveDeadLettersBack()).toBe(1);
    const record = await waitFor(
      async () => {
        const got = (await (await fetch(`${pipeline.apiUrl}/v1/emails/${id}`)).json()) as { status: string; events: { type: string; recipients?: string[] }[] };
        return deliveriesTo(id, 'late@example.org') === 1 && got.events.some((e) => e.type === 'requeued') ? got : undefined;
      },
      15_000,
      'the redriven message to reach the waiting recipient',
    );
    expect((await waitForStatus(pipeline.apiUrl, id, ['sent'])).status).toBe('sent');
    expect(record.events.map((e) => e.type)).toContain('requeued');
    expect(deliveriesTo(id, 'late@example.org')).toBe(1);
  });
});
