/**
 * The merge of sharded index partitions on dynalite (the byLog index of the messages table):
 * one order across shards however unevenly they fill, pages that lose and repeat nothing,
 * and a read budget that cuts a sparse filter's page short without stalling it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPut, documentClient } from '../../functions/adapters/dynamodb-document.js';
import { allShards, ShardedListing, type ShardedQuery } from '../../functions/adapters/dynamodb-sharded-index.js';
import { LOG_INDEX } from '../../functions/adapters/tables.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';

let local: LocalDynamo;
let base: Omit<ShardedQuery, 'partitions' | 'ascending'>;
/** Sort keys of every item written, in ascending order. */
const keys: string[] = [];
const rare = new Set<string>();

const key = (i: number) =>
  `2030-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z#item-${String(i).padStart(4, '0')}`;

beforeAll(async () => {
  local = await startLocalDynamo();
  const doc = documentClient(dynamoClient(local.aws));
  // 300 items: most in shard 3, a few in shards 0 and 5, none elsewhere; every 97th is "rare".
  const items = Array.from({ length: 300 }, (_, i) => {
    const shard = i % 10 === 0 ? 0 : i % 17 === 0 ? 5 : 3;
    keys.push(key(i));
    if (i % 97 === 13) rare.add(key(i));
    return { id: `item-${i}`, logBucket: `test#${shard}`, logKey: key(i), eventType: i % 97 === 13 ? 'rare' : 'common' };
  });
  await batchPut(doc, local.env.MESSAGES_TABLE!, items);
  base = { doc, tableName: local.env.MESSAGES_TABLE!, indexName: LOG_INDEX, partitionKey: 'logBucket', sortKey: 'logKey', readBudget: 1000 };
});

afterAll(async () => {
  await local?.stop();
});

/** Every page, following `resume`; how many pages it took. */
async function pages(query: Omit<ShardedQuery, 'after'>, limit: number) {
  const seen: string[] = [];
  let after: string | undefined;
  let count = 0;
  do {
    const listing = new ShardedListing({ ...query, ...(after ? { after } : {}) });
    seen.push(...(await listing.take(limit)).map((item) => item.logKey as string));
    const next = listing.resume;
    if (next !== undefined && after !== undefined) expect(query.ascending ? next > after : next < after, 'each page moves on').toBe(true);
    after = next;
    count++;
  } while (after !== undefined && count < 500);
  return { seen, count };
}

describe('a sharded listing', () => {
  it('merges uneven shards into one order, newest first, page after page', async () => {
    const { seen, count } = await pages({ ...base, partitions: allShards('test'), ascending: false }, 7);
    expect(seen).toEqual([...keys].reverse());
    expect(count).toBe(Math.ceil(300 / 7));
  });

  it('reads oldest first, within inclusive bounds', async () => {
    const { seen } = await pages({ ...base, partitions: allShards('test'), ascending: true, lowest: keys[20]!, highest: keys[80]! }, 25);
    expect(seen).toEqual(keys.slice(20, 81));
  });

  it('keeps going after a page the read budget cut short, and finds every item a sparse filter keeps', async () => {
    const filter = { expression: '#t = :t', names: { '#t': 'eventType' }, values: { ':t': 'rare' } };
    const { seen, count } = await pages({ ...base, partitions: allShards('test'), ascending: false, filter, readBudget: 40 }, 10);
    expect(seen).toEqual([...rare].sort().reverse());
    // Each page reads about its budget: 300 items take several pages, and never run away.
    expect(count).toBeGreaterThan(3);
    expect(count).toBeLessThan(30);
  });

  it('ends at once on an empty listing', async () => {
    const listing = new ShardedListing({ ...base, partitions: allShards('nothing-here'), ascending: false });
    expect(await listing.take(10)).toEqual([]);
    expect(listing.resume).toBeUndefined();
  });
});
