/** The templates table answering batches with requests unprocessed, as DynamoDB does when throttled. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTemplateStore } from '../../functions/adapters/dynamodb-template-store.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';

let local: LocalDynamo;
let client: DynamoDBClient;
/** How many more calls of each batch command are answered with everything unprocessed instead of reaching the table. */
const throttled = { BatchGetItemCommand: 0, BatchWriteItemCommand: 0 };
/** The calls of each batch command answered that way so far. */
const refused = { BatchGetItemCommand: 0, BatchWriteItemCommand: 0 };

beforeAll(async () => {
  local = await startLocalDynamo();
  client = dynamoClient(local.aws);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName as keyof typeof throttled;
      if (!throttled[command]) return next(args);
      throttled[command]--;
      refused[command]++;
      // Before the request is serialized: the marshalled requests go back as they came, nothing is sent.
      const { RequestItems } = args.input as { RequestItems: Record<string, unknown> };
      const output = command === 'BatchGetItemCommand' ? { Responses: {}, UnprocessedKeys: RequestItems } : { UnprocessedItems: RequestItems };
      return { response: {}, output: { $metadata: {}, ...output } };
    },
    { step: 'serialize', priority: 'high', name: 'throttleBatches' },
  );
});

afterAll(async () => {
  await local?.stop();
});

const at = '2025-01-01T00:00:00.000Z';

describe('template store under throttling', () => {
  it('reads a version whose first read came back unprocessed', async () => {
    const store = new DynamoDbTemplateStore(client, local.env.TEMPLATES_TABLE!);
    expect((await store.addVersion('read', { subject: 'Hi', text: 'Hello' }, at, 'create')).outcome).toBe('added');

    throttled.BatchGetItemCommand = 1;
    const got = await store.get('read', 1);
    expect(refused.BatchGetItemCommand).toBe(1);
    expect(got).toMatchObject({ alias: 'read', version: 1, subject: 'Hi' });
  });

  it('gives up deleting versions after five rounds left unprocessed', async () => {
    const store = new DynamoDbTemplateStore(client, local.env.TEMPLATES_TABLE!);
    await store.addVersion('deleted', { subject: 'Hi', text: 'one' }, at, 'create');
    await store.addVersion('deleted', { subject: 'Hi', text: 'two' }, at, 'update');

    throttled.BatchWriteItemCommand = Number.POSITIVE_INFINITY;
    await expect(store.remove('deleted', at)).rejects.toThrow('template deleted: DynamoDB kept 2 version deletes unprocessed');
    expect(refused.BatchWriteItemCommand).toBe(5);

    // The tombstone was written before the versions: a later delete finds it gone and clears what was left.
    throttled.BatchWriteItemCommand = 0;
    expect(await store.remove('deleted', at)).toBe(false);
    expect(await store.get('deleted', 1)).toBeUndefined();
  });
});
