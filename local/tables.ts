import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { LOCAL_TABLES, tableDefinitions } from '../functions/adapters/tables.js';

export { LOCAL_TABLES };

/** Creates the tables that do not exist yet (data kept by dynalite survives restarts). */
export async function ensureTables(client: DynamoDBClient): Promise<void> {
  for (const definition of Object.values(tableDefinitions())) {
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
