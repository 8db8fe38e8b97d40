import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type BatchGetCommandOutput, DeleteCommand, type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest, SuppressionStore } from '../core/ports.js';
import type { Suppression } from '../core/records.js';
import { documentClient, putIfAbsent } from './dynamodb-document.js';

/** BatchGetItem reads at most 100 keys per request. */
const BATCH = 100;

/** Suppressions table: one item per address (lower case), plain attributes for the console. */
export class DynamoDbSuppressionStore implements SuppressionStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async add(entry: Suppression): Promise<boolean> {
    return putIfAbsent(this.doc, this.tableName, { ...entry }, 'address');
  }

  async get(address: string): Promise<Suppression | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { address }, ConsistentRead: true }));
    return out.Item as Suppression | undefined;
  }

  async remove(address: string): Promise<boolean> {
    const out = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { address }, ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }

  /** Table order (a scan): the list is for reviewing, not for sorting. */
  async list(page: PageRequest): Promise<Page<Suppression>> {
    const out = await this.doc.send(
      new ScanCommand({ TableName: this.tableName, Limit: page.limit, ...(page.after ? { ExclusiveStartKey: page.after } : {}) }),
    );
    return { items: (out.Items ?? []) as Suppression[], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Record<string, string> } : {}) };
  }

  async suppressedAmong(addresses: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(addresses)];
    for (let i = 0; i < unique.length; i += BATCH) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + BATCH).map((address) => ({ address }));
      // Unprocessed keys (throttling) are asked for again until none are left.
      for (let round = 0; keys?.length; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: 'address', ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) found.add(item.address as string);
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }
}
