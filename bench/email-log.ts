/**
 * The email log on a large table: 100,000 messages (with their search items) in dynalite in
 * its own process, then pages of 100 read the way GET /v1/emails reads them, timed, with the
 * read units DynamoDB reports (ReturnConsumedCapacity, which dynalite computes as DynamoDB
 * does: item bytes per 4 KB, halved for eventually consistent reads). Baseline: finding the
 * newest 100 without the index, by scanning the table.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut, documentClient } from '../functions/adapters/dynamodb-document.js';
import { DynamoDbMessageStore, newMessageItems } from '../functions/adapters/dynamodb-message-store.js';
import { LOCAL_TABLES } from '../functions/adapters/tables.js';
import { dynamoClient } from '../functions/compose/clients.js';
import { newRecord } from '../functions/core/accept-email.js';
import type { EmailQuery } from '../functions/core/email-log.js';
import type { PageRequest } from '../functions/core/ports.js';
import type { MessageRecord } from '../functions/core/records.js';
import { parseSendRequest } from '../functions/core/send-request.js';
import type { MessageStatus } from '../functions/core/status.js';
import { ensureTables } from '../local/tables.js';
import { startChild } from './lib/child.js';
import { median, round } from './lib/stats.js';

export interface ListingMeasure {
  /** Median wall time of one page (ms), and its read units. */
  ms: number;
  read_units: number;
  items: number;
}

export interface EmailLogResult {
  messages: number;
  fill_seconds: number;
  /** Largest message and search item written (bytes as DynamoDB counts them): each write is one unit while under 1 KB. */
  largest_message_bytes: number;
  largest_search_item_bytes: number;
  first_page: ListingMeasure;
  deep_page: ListingMeasure;
  status_page: ListingMeasure;
  recipient_page: ListingMeasure;
  tag_page: ListingMeasure;
  combined_page: ListingMeasure;
  scan_ms: number;
  scan_read_units: number;
}

const STATUSES: [MessageStatus, number][] = [
  ['delivered', 0.85],
  ['sent', 0.04],
  ['bounced', 0.05],
  ['complained', 0.01],
  ['failed', 0.02],
  ['queued', 0.03],
];

/** Deterministic: message i's status by its place in the distribution above. */
function statusOf(i: number): MessageStatus {
  let x = ((i * 2654435761) % 1000) / 1000;
  for (const [status, share] of STATUSES) {
    if (x < share) return status;
    x -= share;
  }
  return 'delivered';
}

/** DynamoDB's item size: attribute names and values in UTF-8, numbers about their digits. */
function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + itemBytes(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value as object).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + itemBytes(v), 0);
  return 0;
}

/** Counts the read units every response of the client reports. */
function countReads(client: DynamoDBClient): { units: number } {
  const counter = { units: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) counter.units += c.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'countReadUnits' },
  );
  return counter;
}

export async function benchEmailLog(options: { messages: number; rounds: number }): Promise<EmailLogResult> {
  const dynamo = await startChild<{ endpoint: string }>('dynamodb.ts');
  try {
    const aws = { region: 'us-east-1', local: true, endpoints: { dynamodb: dynamo.info.endpoint } };
    const client = dynamoClient(aws);
    await ensureTables(client);
    const doc = documentClient(client);

    // One day of mail, newest last: 500 recipients with about 200 messages each, every tenth tagged.
    const t0 = Date.parse('2030-06-01T00:00:00.000Z');
    const spacing = Math.floor(86_400_000 / options.messages);
    let largestMessage = 0;
    let largestSearch = 0;
    const started = performance.now();
    const items: Record<string, unknown>[] = [];
    const flush = async () => {
      const chunks: Record<string, unknown>[][] = [];
      for (let i = 0; i < items.length; i += 250) chunks.push(items.slice(i, i + 250));
      items.length = 0;
      await Promise.all(chunks.map((chunk) => batchPut(doc, LOCAL_TABLES.messages, chunk)));
    };
    for (let i = 0; i < options.messages; i++) {
      const request = parseSendRequest({
        from: 'App <app@example.com>',
        to: `user${i % 500}@example.org`,
        subject: `Your receipt #${i}`,
        text: 'Thanks',
        ...(i % 10 === 0 ? { tags: [{ name: 'campaign', value: 'spring' }] } : {}),
      });
      const at = new Date(t0 + i * spacing).toISOString();
      const status = statusOf(i);
      const record: MessageRecord = {
        ...newRecord(`m-${String(i).padStart(7, '0')}`, request, at),
        status,
        events: [
          { type: 'queued', at },
          { type: 'sent', at, response: '250 2.0.0 Ok: queued as 4F1A2B3C' },
        ],
      };
      const { message, search } = newMessageItems(record, { retentionDays: 90 });
      largestMessage = Math.max(largestMessage, itemBytes(message));
      for (const s of search) largestSearch = Math.max(largestSearch, itemBytes(s));
      items.push(message, ...search);
      if (items.length >= 4000) await flush();
    }
    await flush();
    const fillSeconds = (performance.now() - started) / 1000;

    const reader = dynamoClient(aws);
    const reads = countReads(reader);
    const store = new DynamoDbMessageStore(reader, LOCAL_TABLES.messages);
    const measure = async (query: EmailQuery, page: PageRequest): Promise<ListingMeasure> => {
      const times: number[] = [];
      const units: number[] = [];
      let items = 0;
      for (let r = 0; r < options.rounds; r++) {
        reads.units = 0;
        const start = performance.now();
        const out = await store.list(query, page);
        times.push(performance.now() - start);
        units.push(reads.units);
        items = out.items.length;
      }
      return { ms: round(median(times)), read_units: round(median(units)), items };
    };

    const first = await measure({}, { limit: 100 });
    // Fifty pages in: the cursor's position, as a client paging down would hold it.
    let after: PageRequest['after'];
    for (let p = 0; p < 50; p++) after = (await store.list({}, { limit: 100, ...(after ? { after } : {}) })).next;
    const deep = await measure({}, { limit: 100, ...(after ? { after } : {}) });
    const status = await measure({ status: 'bounced' }, { limit: 100 });
    const recipient = await measure({ recipient: 'user42@example.org' }, { limit: 100 });
    const tag = await measure({ tag: { name: 'campaign', value: 'spring' } }, { limit: 100 });
    const combined = await measure({ tag: { name: 'campaign', value: 'spring' }, status: 'bounced' }, { limit: 100 });

    // Baseline: the newest 100 without an index means reading every item of the table.
    reads.units = 0;
    const scanStart = performance.now();
    const readerDoc = documentClient(reader);
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await readerDoc.send(new ScanCommand({ TableName: LOCAL_TABLES.messages, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    const scanMs = performance.now() - scanStart;

    return {
      messages: options.messages,
      fill_seconds: round(fillSeconds),
      largest_message_bytes: largestMessage,
      largest_search_item_bytes: largestSearch,
      first_page: first,
      deep_page: deep,
      status_page: status,
      recipient_page: recipient,
      tag_page: tag,
      combined_page: combined,
      scan_ms: Math.round(scanMs),
      scan_read_units: round(reads.units),
    };
  } finally {
    await dynamo.stop();
  }
}
