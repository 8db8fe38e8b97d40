import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { newRecord } from '../../functions/core/accept-email.js';
import { silentLog } from '../../functions/core/log.js';
import { type OutgoingMessage, type SuppressionStore, systemClock } from '../../functions/core/ports.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { createDeliverHandler } from '../../functions/deliver/sqs-batch.js';
import { MemoryMessageStore, unreachable } from '../helpers/memory-ports.js';

/** A suppression list in memory that counts its lookups and can fail the first one. */
function suppressionList(addresses: string[], failFirstLookup = false) {
  const suppressed = new Set(addresses);
  const lookups: string[][] = [];
  const store: SuppressionStore = {
    ...unreachable<SuppressionStore>('suppressions'),
    add: async (entry) => !suppressed.has(entry.address) && Boolean(suppressed.add(entry.address)),
    async suppressedAmong(candidates) {
      lookups.push(candidates);
      if (failFirstLookup && lookups.length === 1) throw new Error('ProvisionedThroughputExceededException');
      return new Set(candidates.filter((a) => suppressed.has(a)));
    },
  };
  return { store, lookups };
}

async function deliverBatch(suppressions: SuppressionStore, recipients: string[]) {
  const store = new MemoryMessageStore();
  const sent: OutgoingMessage[] = [];
  const handler = createDeliverHandler({
    messages: store,
    queue: { delayRetry: async () => undefined },
    transport: {
      name: 'recording',
      send: async (message) => {
        sent.push(message);
        return { accepted: message.envelope.to, rejected: [], response: '250 ok' };
      },
    },
    suppressions,
    feedback: unreachable('feedback'),
    clock: systemClock,
    log: silentLog,
    leaseSeconds: 60,
    maxReceives: 5,
    retry: { baseSeconds: 0, maxSeconds: 0 },
  });
  const event: SQSEvent = { Records: [] };
  for (const [i, to] of recipients.entries()) {
    const id = `msg-${i}`;
    const request = parseSendRequest({ from: 'app@example.com', to, subject: `message ${i}`, text: 'hello' });
    await store.create(newRecord(id, request, new Date().toISOString()));
    event.Records.push({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: JSON.stringify({ v: 1, id, request }),
      attributes: { ApproximateReceiveCount: '1' },
    } as SQSEvent['Records'][number]);
  }
  const response = (await handler(event, {} as never)) as SQSBatchResponse;
  return { response, sent, store };
}

describe('suppressions in a deliver batch', () => {
  const recipients = Array.from({ length: 10 }, (_, i) => (i === 3 ? 'Gone@Example.org' : `user${i}@example.org`));

  it('are looked up once for the whole batch, and a suppressed recipient is not sent to', async () => {
    const { store: suppressions, lookups } = suppressionList(['gone@example.org']);
    const { response, sent, store } = await deliverBatch(suppressions, recipients);
    expect(response.batchItemFailures).toEqual([]);
    expect(lookups).toHaveLength(1);
    expect(new Set(lookups[0])).toEqual(new Set(recipients.map((r) => r.toLowerCase())));
    expect(sent.flatMap((m) => m.envelope.to).sort()).toEqual(recipients.filter((_, i) => i !== 3).sort());
    expect((await store.get('msg-3'))?.status).toBe('suppressed');
    expect((await store.get('msg-4'))?.status).toBe('sent');
  });

  it('fall back to a lookup per message when the batch lookup fails', async () => {
    const { store: suppressions, lookups } = suppressionList(['gone@example.org'], true);
    const { response, sent, store } = await deliverBatch(suppressions, recipients);
    expect(response.batchItemFailures).toEqual([]);
    expect(lookups).toHaveLength(1 + recipients.length);
    expect(sent).toHaveLength(9);
    expect((await store.get('msg-3'))?.status).toBe('suppressed');
  });
});
