import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type TableName, TTL_ATTRIBUTE, tableDefinitions } from '../../functions/adapters/tables.js';

const ATTRIBUTE_TYPES: Record<string, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

const PROJECTIONS: Record<string, dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  INCLUDE: dynamodb.ProjectionType.INCLUDE,
};

function attribute(def: CreateTableCommandInput, name: string): dynamodb.Attribute {
  const type = def.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
  if (!type) throw new Error(`table ${def.TableName}: key attribute ${name} has no definition`);
  return { name, type: ATTRIBUTE_TYPES[type]! };
}

function keys(def: CreateTableCommandInput, schema: CreateTableCommandInput['KeySchema']) {
  const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  if (!hash) throw new Error(`table ${def.TableName}: no HASH key`);
  return { partitionKey: attribute(def, hash), ...(range ? { sortKey: attribute(def, range) } : {}) };
}

/**
 * The service's tables, built from the same definitions the local runner creates
 * (functions/adapters/tables.ts), so keys and indexes cannot drift between the two.
 * On demand, point-in-time recovery, encrypted with the AWS managed key, TTL where
 * records expire.
 */
export class PosthasteTables extends Construct {
  readonly tables: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    const definitions = tableDefinitions();
    const build = (name: TableName): dynamodb.Table => {
      const def = definitions[name];
      const ttl = TTL_ATTRIBUTE[name];
      const table = new dynamodb.Table(this, name, {
        ...keys(def, def.KeySchema),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        // A kept table is also protected from a manual delete; a test stack's is not.
        deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
        removalPolicy: props.removalPolicy,
        ...(ttl ? { timeToLiveAttribute: ttl } : {}),
      });
      for (const index of def.GlobalSecondaryIndexes ?? []) {
        const projection = PROJECTIONS[index.Projection?.ProjectionType ?? 'ALL']!;
        table.addGlobalSecondaryIndex({
          indexName: index.IndexName!,
          ...keys(def, index.KeySchema),
          projectionType: projection,
          ...(index.Projection?.NonKeyAttributes ? { nonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
        });
      }
      return table;
    };
    this.tables = {
      messages: build('messages'),
      idempotency: build('idempotency'),
      feedback: build('feedback'),
      suppressions: build('suppressions'),
      apiKeys: build('apiKeys'),
      webhooks: build('webhooks'),
      webhookDeliveries: build('webhookDeliveries'),
      templates: build('templates'),
    };
  }
}
