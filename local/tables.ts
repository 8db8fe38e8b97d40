import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Local table names; the CDK stack defines the same keys (test/infra checks they agree). */
export const LOCAL_TABLES = {
  messages: 'posthaste-messages',
  idempotency: 'posthaste-idempotency',
} as const;

export const TABLE_DEFINITIONS: CreateTableCommandInput[] = [
  {
    TableName: LOCAL_TABLES.messages,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  },
  {
    TableName: LOCAL_TABLES.idempotency,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  },
];

/** Creates the tables that do not exist yet (data kept by dynalite survives restarts). */
export async function ensureTables(client: DynamoDBClient): Promise<void> {
  for (const definition of TABLE_DEFINITIONS) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    for (let i = 0; i < 50; i++) {
      const out = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
      if (out.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
