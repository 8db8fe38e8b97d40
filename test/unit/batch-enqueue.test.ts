import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsEmailQueue } from '../../functions/adapters/sqs-email-queue.js';
import { acceptBatch } from '../../functions/core/accept-batch.js';
import type { AcceptDeps } from '../../functions/core/accept-email.js';
import type { FinishUpdate, QueueMessage } from '../../functions/core/ports.js';
import type { MessageRecord, QueuedEmail } from '../../functions/core/records.js';
import { MemoryQueue } from '../helpers/memory-ports.js';

const entry = (id: string): QueueMessage => ({ id, body: JSON.stringify({ v: 1, id }) });

/**
 * SendMessageBatch partial failures cannot be produced by the SQS stand-in, so this fake
 * answers with scripted per-entry refusals.
 */
type Refusals = { failed: Record<string, { senderFault: boolean }> };

function scriptedSqs(script: (ids: string[], call: number) => Refusals | Error) {
  const calls: { ids: string[]; delays: (number | undefined)[] }[] = [];
  const client = {
    async send(command: { input: { Entries: { Id: string; MessageBody: string; DelaySeconds?: number }[] } }) {
      const ids = command.input.Entries.map((e) => (JSON.parse(e.MessageBody) as QueuedEmail).id);
      calls.push({ ids, delays: command.input.Entries.map((e) => e.DelaySeconds) });
      const answer = script(ids, calls.length);
      if (answer instanceof Error) throw answer;
      const byId = new Map(command.input.Entries.map((e) => [(JSON.parse(e.MessageBody) as QueuedEmail).id, e.Id]));
      return {
        Successful: command.input.Entries.filter((e) => !answer.failed[(JSON.parse(e.MessageBody) as QueuedEmail).id]).map((e) => ({ Id: e.Id })),
        Failed: Object.entries(answer.failed).map(([id, f]) => ({
          Id: byId.get(id)!,
          SenderFault: f.senderFault,
          Code: f.senderFault ? 'InvalidParameterValue' : 'InternalError',
          Message: 'refused',
        })),
      };
    },
  };
  return { client: client as unknown as SQSClient, calls };
}

describe('SqsEmailQueue.enqueueBatch', () => {
  it('sends groups of 10 and passes each entry its delay', async () => {
    const sqs = scriptedSqs(() => ({ failed: {} }));
    const entries = Array.from({ length: 23 }, (_, i) => ({ ...entry(`m${i}`), delaySeconds: i % 2 }));
    expect(await new SqsEmailQueue(sqs.client, 'q').enqueueBatch(entries)).toEqual({ failed: [] });
    expect(sqs.calls.map((c) => c.ids.length)).toEqual([10, 10, 3]);
    expect(sqs.calls[0]!.delays.slice(0, 3)).toEqual([undefined, 1, undefined]);
  });

  it('sends again only the entries SQS refused on its side, and reports a sender fault at once', async () => {
    const sqs = scriptedSqs((_ids, call): Refusals => (call === 1 ? { failed: { b: { senderFault: false }, c: { senderFault: true } } } : { failed: {} }));
    const result = await new SqsEmailQueue(sqs.client, 'q', { backoffMs: 1 }).enqueueBatch(['a', 'b', 'c'].map(entry));
    expect(result.failed).toEqual([{ id: 'c', reason: 'InvalidParameterValue: refused' }]);
    expect(sqs.calls.map((c) => c.ids)).toEqual([['a', 'b', 'c'], ['b']]);
  });

  it('reports what is still refused after the last attempt, and a call that keeps failing', async () => {
    const refusing = scriptedSqs(() => ({ failed: { b: { senderFault: false } } }));
    expect((await new SqsEmailQueue(refusing.client, 'q', { attempts: 3, backoffMs: 1 }).enqueueBatch(['a', 'b'].map(entry))).failed.map((f) => f.id)).toEqual([
      'b',
    ]);
    expect(refusing.calls).toHaveLength(3);
    const down = scriptedSqs(() => new Error('connect ECONNREFUSED'));
    const result = await new SqsEmailQueue(down.client, 'q', { attempts: 2, backoffMs: 1 }).enqueueBatch(['a', 'b'].map(entry));
    expect(result.failed).toEqual([
      { id: 'a', reason: 'connect ECONNREFUSED', error: expect.any(Error) },
      { id: 'b', reason: 'connect ECONNREFUSED', error: expect.any(Error) },
    ]);
  });
});

describe('acceptBatch when the queue refuses an item', () => {
  it('reports that item as a 503 and closes its record as failed, while the others stay queued', async () => {
    const records = new Map<string, MessageRecord>();
    const finished: [string, FinishUpdate][] = [];
    const messages = {
      async create(record: MessageRecord) {
        records.set(record.id, record);
      },
      async finish(id: string, update: FinishUpdate) {
        finished.push([id, update]);
        return { moved: true, record: undefined };
      },
    } as unknown as AcceptDeps['messages'];
    let n = 0;
    const queue = new MemoryQueue();
    queue.refuse.add('id-1');
    const logged: { message: string; fields?: Record<string, unknown> }[] = [];
    const deps: AcceptDeps = {
      messages,
      queue,
      clock: { now: () => new Date('2030-01-01T00:00:00Z') },
      newId: () => `id-${n++}`,
      log: (_level, message, fields) => logged.push({ message, ...(fields ? { fields } : {}) }),
    };
    const mail = (to: string) => ({ from: 'a@example.com', to, subject: 's', text: 't' });
    const result = await acceptBatch(deps, [mail('x@example.org'), mail('y@example.org'), mail('z@example.org')]);
    expect(result.accepted).toBe(2);
    expect(result.results[1]).toMatchObject({ index: 1, error: { status: 503, code: 'service_unavailable' } });
    expect(records.size).toBe(3);
    expect(finished).toEqual([['id-1', expect.objectContaining({ status: 'failed', failure: { kind: 'enqueue_failed', reason: 'enqueue_failed' } })]]);
    expect(queue.messages.map((m: QueuedEmail) => m.id)).toEqual(['id-0', 'id-2']);
    // Answered, not thrown: the batch logs the fault itself, with what the queue said.
    expect(logged).toContainEqual({
      message: 'could not queue the message; nothing was sent, try again',
      fields: expect.objectContaining({ batchIndex: 1, error: expect.objectContaining({ message: 'refused' }) }),
    });
  });
});
