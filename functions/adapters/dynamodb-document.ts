import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
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

/** Puts every item, 25 per request; unprocessed items are written again until none are left. */
export async function batchPut(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += WRITE_BATCH) {
    let pending = items.slice(i, i + WRITE_BATCH).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length; round++) {
      await backoff(round);
      const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}
