import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  DynamoDBDocumentClient,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';

/** Plain JavaScript values in and out; optional fields left undefined are not written. */
export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/**
 * A conditional write's result, or undefined when its condition did not hold. Every other
 * error is thrown: only "the condition was false" is an answer, not a failure.
 */
export async function ifConditionHolds<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** Writes `item` unless an item with its key exists; false when one did. */
export async function putIfAbsent(doc: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>, keyAttribute: string): Promise<boolean> {
  const out = await ifConditionHolds(
    doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': keyAttribute },
      }),
    ),
  );
  return out !== undefined;
}

/** BatchGetItem reads at most 100 keys per request, BatchWriteItem writes at most 25 items. */
const GET_BATCH = 100;
const WRITE_BATCH = 25;

/** Waits before asking again for what a batch left unprocessed (throttling): 100 ms, 200 ms, … up to 1 s. */
const backoff = (round: number) => (round > 0 ? new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round))) : Promise.resolve());

/** Every item of `keys` that exists, in no particular order; unprocessed keys are asked for again until none are left. */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: Record<string, unknown>[],
  options: { projection?: string; names?: Record<string, string>; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += GET_BATCH) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + GET_BATCH);
    for (let round = 0; pending?.length; round++) {
      await backoff(round);
      const out: BatchGetCommandOutput = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
              ...(options.consistent ? { ConsistentRead: true } : {}),
            },
          },
        }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}

/** One request of a BatchWriteItem: a put or a delete. */
export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/**
 * Sends every request, 25 per BatchWriteItem; what a batch leaves unprocessed is sent again
 * until none are left. With a bound, a batch still unfinished after `maxRounds` sends is
 * given up on: the error `exhausted` makes of how many requests were left is thrown.
 */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
  bound?: { maxRounds: number; exhausted: (unprocessed: number) => Error },
): Promise<void> {
  for (let i = 0; i < requests.length; i += WRITE_BATCH) {
    let pending = requests.slice(i, i + WRITE_BATCH);
    for (let round = 0; pending.length; round++) {
      if (round === bound?.maxRounds) throw bound.exhausted(pending.length);
      await backoff(round);
      const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = out.UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/** Puts every item, 25 per request; unprocessed items are written again until none are left. */
export const batchPut = (doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> =>
  batchWrite(
    doc,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
