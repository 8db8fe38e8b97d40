import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyStore } from '../core/ports.js';
import type { ApiKeyRecord } from '../core/records.js';
import { documentClient, ifConditionHolds } from './dynamodb-document.js';

/** The apiKeys table: one item per key, keyed by `keyId`; the secret exists only as `secretHash`. */
export class DynamoDbApiKeyStore implements ApiKeyStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { keyId }, ConsistentRead: true }));
    return out.Item as ApiKeyRecord | undefined;
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(keyId)' }));
  }

  async list(): Promise<ApiKeyRecord[]> {
    const records: ApiKeyRecord[] = [];
    // Never read the hash back out for a listing.
    const pages = paginateScan(
      { client: this.doc },
      { TableName: this.tableName, ProjectionExpression: 'keyId, #n, createdAt, revokedAt', ExpressionAttributeNames: { '#n': 'name' } },
    );
    for await (const page of pages) records.push(...((page.Items ?? []) as ApiKeyRecord[]));
    return records;
  }

  async revoke(keyId: string, at: string): Promise<boolean> {
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { keyId },
          // Revoking twice keeps the first time.
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(keyId)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return out !== undefined;
  }
}
