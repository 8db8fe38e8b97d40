import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest, SuppressionStore } from '../core/ports.js';
import type { Suppression } from '../core/records.js';
import { batchGet, documentClient, putIfAbsent } from './dynamodb-document.js';

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
    const keys = [...new Set(addresses)].map((address) => ({ address }));
    const items = await batchGet(this.doc, this.tableName, keys, { projection: 'address', consistent: true });
    return new Set(items.map((item) => item.address as string));
  }
}
