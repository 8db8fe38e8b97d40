import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { LOCAL_TABLES, tableDefinitions } from '../functions/adapters/tables.js';

export { LOCAL_TABLES };

/**
 * Creates the tables that do not exist yet (data kept by dynalite survives restarts).
 * Returns the indexes that kept tables lack: dynalite cannot add an index to a table, so a
 * data folder made by an older version keeps working except for what reads those indexes.
 */
export async function ensureTables(client: DynamoDBClient): Promise<string[]> {
  const missing: string[] = [];
  for (const definition of Object.values(tableDefinitions())) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    for (let i = 0; i < 50; i++) {
      const out = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
      const have = new Set((out.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
      if (out.Table?.TableStatus !== 'ACTIVE') {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      for (const index of definition.GlobalSecondaryIndexes ?? []) if (!have.has(index.IndexName)) missing.push(`${definition.TableName}/${index.IndexName}`);
      break;
    }
  }
  return missing;
}
