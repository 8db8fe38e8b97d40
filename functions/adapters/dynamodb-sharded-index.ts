import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEDULE_BUCKETS } from './tables.js';

/**
 * Sharded, time-sorted indexes: a listing that would put every write of the day on one
 * partition key (every message, every message to one busy address, every event) spreads it
 * over SHARDS keys `<prefix>#0` … `<prefix>#7`, chosen by a stable hash of the message id,
 * and reads them back merged into one order. Eight shards at 10 M emails a day (≈ 1,200 a
 * second at a 10× peak) keep each key near 150 writes a second, far from a partition's
 * 1,000.
 */
export const SHARDS = SCHEDULE_BUCKETS;

/** A message's shard: the same id always lands in the same one of SHARDS. */
function shardOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % SHARDS;
}

export const shardKey = (prefix: string, id: string): string => `${prefix}#${shardOf(id)}`;
export const allShards = (prefix: string): string[] => Array.from({ length: SHARDS }, (_, i) => `${prefix}#${i}`);

/**
 * Index items one page may read (kept or dropped by a filter) before it answers with
 * fewer items than asked for, and a cursor: about 500 read units at most, and a bounded
 * answer time, however few items a filter keeps.
 */
export const PAGE_READ_BUDGET = 1000;

export interface ShardedQuery {
  doc: DynamoDBDocumentClient;
  tableName: string;
  indexName: string;
  partitionKey: string;
  /** The partition key values to merge: every shard of one listing (of several, for several types). */
  partitions: string[];
  /** A string attribute that is unique across the partitions and sorts in listing order (time first). */
  sortKey: string;
  /** Oldest first; newest first otherwise. */
  ascending: boolean;
  /** Inclusive bounds on the sort key. */
  lowest?: string;
  highest?: string;
  /** Exclusive: the `resume` of the previous page. */
  after?: string;
  /** Evaluated by DynamoDB on index attributes after the key condition; what it drops still costs reads. */
  filter?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> };
  /** Index items read (scanned, filtered or not) before a page answers with what it found. */
  readBudget: number;
}

type Item = Record<string, unknown>;

interface Stream {
  partition: string;
  buffer: Item[];
  startKey?: Item;
  done: boolean;
  /** The sort key of the last item read from the partition, kept or filtered: nothing before it is left unread. */
  readUpTo?: string;
  limit: number;
}

/** DynamoDB reads at most this many items per query page here; a refill doubles the last size up to it. */
const MAX_QUERY_LIMIT = 200;

/**
 * A k-way merge of sharded partitions, page by page: each partition is queried in its sort
 * order, a few items at a time, and an item is handed out only once no partition can still
 * hold one that comes before it. Reads stay in proportion to the page (about a page's worth
 * over all shards, more only where the shards are uneven or a filter drops items), never a
 * scan of the index.
 */
export class ShardedListing {
  private readonly streams: Stream[];
  private scanned = 0;
  private lastOut: string | undefined;
  private stoppedEarly = false;

  constructor(private readonly q: ShardedQuery) {
    this.streams = q.partitions.map((partition) => ({ partition, buffer: [], done: false, limit: 0 }));
  }

  /** Up to `n` items in listing order; fewer when the partitions end or the read budget is spent. */
  async take(n: number): Promise<Item[]> {
    const out: Item[] = [];
    this.stoppedEarly = false;
    while (out.length < n) {
      const next = this.emittable();
      if (next) {
        const item = next.buffer.shift()!;
        this.lastOut = item[this.q.sortKey] as string;
        out.push(item);
        continue;
      }
      const empty = this.streams.filter((s) => s.buffer.length === 0 && !s.done);
      if (empty.length === 0) break;
      if (this.scanned >= this.q.readBudget) {
        this.stoppedEarly = true;
        break;
      }
      await Promise.all(empty.map((s) => this.fill(s, n - out.length)));
    }
    return out;
  }

  /**
   * Where the next page starts (pass it as `after`), or undefined when every partition has
   * been read to its end. After a page cut short by the read budget it is the point up to
   * which every partition has been read, so the next page still moves on.
   */
  get resume(): string | undefined {
    if (this.streams.every((s) => s.done && s.buffer.length === 0)) return undefined;
    if (!this.stoppedEarly) return this.lastOut ?? this.q.after;
    const frontier = this.streams.filter((s) => s.buffer.length === 0 && !s.done).map((s) => s.readUpTo!);
    return frontier.reduce((a, b) => (this.before(a, b) ? a : b));
  }

  /** Whether sort key `a` comes before `b` in listing order. */
  private before(a: string, b: string): boolean {
    return this.q.ascending ? a < b : a > b;
  }

  /** The stream whose head comes first, if no partition with nothing buffered could still hold an earlier item. */
  private emittable(): Stream | undefined {
    let best: Stream | undefined;
    for (const s of this.streams) {
      if (s.buffer.length && (!best || this.before(s.buffer[0]![this.q.sortKey] as string, best.buffer[0]![this.q.sortKey] as string))) best = s;
    }
    if (!best) return undefined;
    const head = best.buffer[0]![this.q.sortKey] as string;
    const blocked = this.streams.some((s) => s.buffer.length === 0 && !s.done && (s.readUpTo === undefined || this.before(s.readUpTo, head)));
    return blocked ? undefined : best;
  }

  private async fill(stream: Stream, wanted: number): Promise<void> {
    const { q } = this;
    stream.limit = stream.limit === 0 ? Math.max(2, Math.ceil(wanted / this.streams.length) + 1) : Math.min(stream.limit * 2, MAX_QUERY_LIMIT);
    const values: Record<string, unknown> = { ':p': stream.partition, ...(q.filter?.values ?? {}) };
    const names: Record<string, string> = { '#p': q.partitionKey, ...(q.filter?.names ?? {}) };
    let condition = '#p = :p';
    const low = q.ascending ? maxOf(q.lowest, q.after) : q.lowest;
    const high = q.ascending ? q.highest : minOf(q.highest, q.after);
    if (low !== undefined && high !== undefined) {
      condition += ' AND #s BETWEEN :low AND :high';
      Object.assign(values, { ':low': low, ':high': high });
    } else if (low !== undefined) {
      condition += ' AND #s >= :low';
      values[':low'] = low;
    } else if (high !== undefined) {
      condition += ' AND #s <= :high';
      values[':high'] = high;
    }
    if (low !== undefined || high !== undefined) names['#s'] = q.sortKey;
    const out = await q.doc.send(
      new QueryCommand({
        TableName: q.tableName,
        IndexName: q.indexName,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: q.ascending,
        Limit: stream.limit,
        ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
        ...(stream.startKey ? { ExclusiveStartKey: stream.startKey } : {}),
      }),
    );
    this.scanned += out.ScannedCount ?? out.Items?.length ?? 0;
    // The bounds are inclusive; the previous page's last item is not part of this one.
    stream.buffer.push(...(out.Items ?? []).filter((item) => item[q.sortKey] !== q.after));
    if (out.LastEvaluatedKey) {
      stream.startKey = out.LastEvaluatedKey;
      stream.readUpTo = out.LastEvaluatedKey[q.sortKey] as string;
    } else stream.done = true;
  }
}

const maxOf = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);
const minOf = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a < b ? a : b);
