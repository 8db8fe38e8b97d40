import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type EmailQuery, type EventQuery, feedPosition, logPosition, matchesQuery, positionsUntil } from '../core/email-log.js';
import { addressKey } from '../core/feedback.js';
import type { FeedEntry, Page, PageRequest } from '../core/ports.js';
import type { MessageRecord } from '../core/records.js';
import { type WebhookEvent, webhookEventFor } from '../core/webhook-events.js';
import { batchGet, batchPut } from './dynamodb-document.js';
import { allShards, PAGE_READ_BUDGET, ShardedListing, shardKey } from './dynamodb-sharded-index.js';
import { LOG_INDEX, STATUS_INDEX } from './tables.js';

/**
 * The email log in the messages table (tables.ts: byLog, byStatus). How each query is
 * answered, and what it reads:
 *
 *  - no filter: `log#0…7` of byLog, newest first;
 *  - `recipient` (any of to, cc, bcc): the search items `rcpt:<address>#0…7`, one per
 *    recipient of each message, so a message to fifty is found by any of them;
 *  - `tag`: the search items `tag:<name>:<value>#0…7`;
 *  - `status`: byStatus `<status>#0…7`, whose key moves with every status write;
 *  - `from`: the search items `from:<address>#0…7`;
 *  - `since` / `until`: a range on the sort key of whichever of these is read.
 *
 * With several filters the first of recipient, tag, status, from picks the index and the
 * others are checked on each record read (as every filter is: an index entry the status
 * has moved past is dropped). Such a page reads at most PAGE_READ_BUDGET index items;
 * when the filters match few of them it answers with what it found and a cursor.
 */

type Item = Record<string, unknown>;

/** The table also holds the log's search and feed items; only a message has a status. */
export const isMessage = (item: Item): boolean => typeof item.status === 'string';

const expiry = (record: MessageRecord) => (record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {});

/** The index attributes of the message item itself: its place in the whole log. */
export const messageIndexItems = (record: MessageRecord): Item => ({ logBucket: shardKey('log', record.id), logKey: logPosition(record) });

/** The listings a message is found in besides the whole log: each recipient, the sender, each tag. */
function searchTerms(record: MessageRecord): string[] {
  const recipients = [...record.to, ...record.cc, ...record.bcc].map((a) => `rcpt:${addressKey(a)}`);
  const tags = record.tags.map((t) => `tag:${t.name}:${t.value}`);
  return [...new Set([...recipients, `from:${addressKey(record.from)}`, ...tags])];
}

/** One small item per search term: its key, the message's place in the log, and which message. */
export const searchItems = (record: MessageRecord): Item[] =>
  searchTerms(record).map((term) => ({
    id: `${record.id}#${term}`,
    logBucket: shardKey(term, record.id),
    logKey: logPosition(record),
    messageId: record.id,
    ...expiry(record),
  }));

/** Which index answers a query, and under which listing prefix. */
function indexFor(query: EmailQuery): { indexName: string; partitionKey: string; prefix: string } {
  const log = (prefix: string) => ({ indexName: LOG_INDEX, partitionKey: 'logBucket', prefix });
  if (query.recipient !== undefined) return log(`rcpt:${query.recipient}`);
  if (query.tag) return log(`tag:${query.tag.name}:${query.tag.value}`);
  if (query.status !== undefined) return { indexName: STATUS_INDEX, partitionKey: 'statusBucket', prefix: query.status };
  if (query.from !== undefined) return log(`from:${query.from}`);
  return log('log');
}

const messageIdOf = (item: Item): string => (item.messageId ?? item.id) as string;

export class EmailLogIndex {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly toRecord: (item: Item) => MessageRecord,
  ) {}

  write(items: Item[]): Promise<void> {
    return batchPut(this.doc, this.tableName, items);
  }

  async list(query: EmailQuery, page: PageRequest): Promise<Page<MessageRecord>> {
    const { prefix, ...index } = indexFor(query);
    const listing = new ShardedListing({
      doc: this.doc,
      tableName: this.tableName,
      ...index,
      partitions: allShards(prefix),
      sortKey: 'logKey',
      ascending: false,
      ...(query.since !== undefined ? { lowest: query.since } : {}),
      ...(query.until !== undefined ? { highest: positionsUntil(query.until) } : {}),
      ...(page.after?.before !== undefined ? { after: page.after.before } : {}),
      readBudget: PAGE_READ_BUDGET,
    });
    const items: MessageRecord[] = [];
    for (;;) {
      const wanted = page.limit - items.length;
      const candidates = await listing.take(wanted);
      const records = await this.records(candidates.map(messageIdOf));
      for (const candidate of candidates) {
        const record = records.get(messageIdOf(candidate));
        if (record && matchesQuery(record, query)) items.push(record);
      }
      if (items.length >= page.limit || candidates.length < wanted) break;
    }
    const resume = listing.resume;
    return { items, ...(resume !== undefined ? { next: { before: resume } } : {}) };
  }

  /**
   * One item per event, keyed by the event id: written again (a retry, a sweep after a
   * crash) it is the same item, so the feed never holds an event twice. The items of a whole
   * group go in BatchWriteItem requests of 25: one request for a deliver batch's tells
   * instead of one per event.
   */
  async recordFeed(entries: readonly FeedEntry[]): Promise<void> {
    const items: Item[] = [];
    for (const { record, from } of entries) {
      for (let i = from; i < record.events.length; i++) {
        const event = webhookEventFor(record, record.events[i]!, i);
        if (!event) continue;
        items.push({
          id: event.id,
          logBucket: shardKey('events', record.id),
          logKey: feedPosition(event.createdAt, event.id),
          messageId: record.id,
          historyIndex: i,
          eventType: event.type,
          ...expiry(record),
        });
      }
    }
    // Two tells of one message in a group name the same event once: a batch may not hold a key twice.
    const unique = [...new Map(items.map((item) => [item.id, item])).values()];
    if (unique.length > 0) await batchPut(this.doc, this.tableName, unique);
  }

  async feed(query: EventQuery, page: PageRequest): Promise<Page<WebhookEvent>> {
    const listing = new ShardedListing({
      doc: this.doc,
      tableName: this.tableName,
      indexName: LOG_INDEX,
      partitionKey: 'logBucket',
      partitions: allShards('events'),
      sortKey: 'logKey',
      ascending: true,
      ...(query.since !== undefined ? { lowest: query.since } : {}),
      ...(page.after?.after !== undefined ? { after: page.after.after } : {}),
      ...(query.type ? { filter: { expression: '#type = :type', names: { '#type': 'eventType' }, values: { ':type': query.type } } } : {}),
      readBudget: PAGE_READ_BUDGET,
    });
    const entries = await listing.take(page.limit);
    const records = await this.records(entries.map(messageIdOf));
    const items: WebhookEvent[] = [];
    for (const entry of entries) {
      const index = Number(entry.historyIndex);
      const record = records.get(messageIdOf(entry));
      const line = record?.events[index];
      // A message the table has forgotten takes its events with it.
      const event = record && line ? webhookEventFor(record, line, index) : undefined;
      if (event) items.push(event);
    }
    const resume = listing.resume;
    return { items, ...(resume !== undefined ? { next: { after: resume } } : {}) };
  }

  /** The messages with these ids that exist (eventually consistent: the index they came from is too). */
  private async records(ids: string[]): Promise<Map<string, MessageRecord>> {
    const unique = [...new Set(ids)];
    const items = await batchGet(
      this.doc,
      this.tableName,
      unique.map((id) => ({ id })),
    );
    return new Map(items.filter(isMessage).map((item) => [item.id as string, this.toRecord(item)]));
  }
}
