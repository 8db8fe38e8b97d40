import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EndpointChanges, PageOf, WebhookDeliveryStore, WebhookEndpointStore } from '../core/webhook-ports.js';
import type { DeliveryRef, DeliveryStatus, StoredEndpoint, WebhookAttempt, WebhookDelivery } from '../core/webhook-records.js';
import { documentClient, ifConditionHolds, putIfAbsent } from './dynamodb-document.js';

/** Webhooks table: one item per endpoint, with its secrets (encrypted at rest, never returned by the API). */
export class DynamoDbWebhookEndpointStore implements WebhookEndpointStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async create(endpoint: StoredEndpoint): Promise<void> {
    if (!(await putIfAbsent(this.doc, this.tableName, { ...endpoint }, 'id'))) throw new Error(`webhook endpoint ${endpoint.id} exists`);
  }

  async get(id: string): Promise<StoredEndpoint | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return out.Item as StoredEndpoint | undefined;
  }

  async list(page: { limit: number; after?: Record<string, string> }): Promise<PageOf<StoredEndpoint>> {
    const out = await this.doc.send(
      new ScanCommand({ TableName: this.tableName, Limit: page.limit, ...(page.after ? { ExclusiveStartKey: page.after } : {}) }),
    );
    const items = ((out.Items ?? []) as StoredEndpoint[]).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return { items, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Record<string, string> } : {}) };
  }

  async enabled(): Promise<StoredEndpoint[]> {
    const found: StoredEndpoint[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'enabled = :yes',
          ExpressionAttributeValues: { ':yes': true },
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      found.push(...((out.Items ?? []) as StoredEndpoint[]));
      after = out.LastEvaluatedKey;
    } while (after);
    return found;
  }

  async update(id: string, changes: EndpointChanges, at: string): Promise<StoredEndpoint | undefined> {
    const set: string[] = ['updatedAt = :at'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':at': at };
    const names: Record<string, string> = { '#id': 'id' };
    for (const [key, value] of Object.entries(changes) as [keyof EndpointChanges, unknown][]) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      if (value === null || value === '') remove.push(`#${key}`);
      else {
        set.push(`#${key} = :${key}`);
        values[`:${key}`] = value;
      }
    }
    if (changes.enabled === true) {
      // Enabled again: its failure streak starts over, and the reason it was off goes.
      set.push('consecutiveFailures = :zero');
      values[':zero'] = 0;
      remove.push('failingSince', 'disabledAt');
    }
    if (changes.enabled === false) {
      set.push('disabledAt = :at');
    }
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${[...new Set(remove)].join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes as StoredEndpoint | undefined;
  }

  async replaceSecrets(id: string, secrets: StoredEndpoint['secrets'], at: string): Promise<StoredEndpoint | undefined> {
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET secrets = :secrets, updatedAt = :at',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':secrets': secrets, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes as StoredEndpoint | undefined;
  }

  async recordStreak(id: string, streak: { consecutiveFailures: number; failingSince?: string }, disable?: { reason: string; at: string }): Promise<void> {
    const set = ['consecutiveFailures = :n'];
    const values: Record<string, unknown> = { ':n': streak.consecutiveFailures };
    if (streak.failingSince) {
      set.push('failingSince = :since');
      values[':since'] = streak.failingSince;
    }
    if (disable) {
      set.push('enabled = :no', 'disabledReason = :reason', 'disabledAt = :at', 'updatedAt = :at');
      Object.assign(values, { ':no': false, ':reason': disable.reason, ':at': disable.at });
    }
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${set.join(', ')}${streak.failingSince ? '' : ' REMOVE failingSince'}`,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async remove(id: string): Promise<boolean> {
    const out = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { id }, ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }
}

/** Webhook deliveries table: one item per event and endpoint, newest first by deliveryId, gone after 30 days (TTL). */
export class DynamoDbWebhookDeliveryStore implements WebhookDeliveryStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  createIfAbsent(delivery: WebhookDelivery): Promise<boolean> {
    return putIfAbsent(this.doc, this.tableName, { ...delivery }, 'deliveryId');
  }

  async get(ref: DeliveryRef): Promise<WebhookDelivery | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyOf(ref), ConsistentRead: true }));
    return out.Item as WebhookDelivery | undefined;
  }

  async claim(ref: DeliveryRef, now: string, until: string): Promise<WebhookDelivery | undefined> {
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(ref),
          UpdateExpression: 'SET attemptingUntil = :until',
          ConditionExpression:
            '#status = :pending AND (attribute_not_exists(attemptingUntil) OR attemptingUntil < :now) AND (attribute_not_exists(nextAttemptAt) OR nextAttemptAt <= :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now, ':until': until },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes as WebhookDelivery | undefined;
  }

  async recordAttempt(ref: DeliveryRef, attempt: WebhookAttempt, status: DeliveryStatus, at: string, nextAttemptAt?: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(ref),
        UpdateExpression: `SET attempts = list_append(attempts, :attempt), #status = :status, updatedAt = :at${nextAttemptAt ? ', nextAttemptAt = :next' : ''} REMOVE attemptingUntil${nextAttemptAt ? '' : ', nextAttemptAt'}`,
        ConditionExpression: 'attribute_exists(deliveryId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':attempt': [attempt], ':status': status, ':at': at, ...(nextAttemptAt ? { ':next': nextAttemptAt } : {}) },
      }),
    );
  }

  async reopen(ref: DeliveryRef, at: string): Promise<boolean> {
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(ref),
          // A resend by hand is due now, whatever the schedule said.
          UpdateExpression: 'SET #status = :pending, updatedAt = :at REMOVE nextAttemptAt, attemptingUntil',
          ConditionExpression: 'attribute_exists(deliveryId) AND #status <> :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':at': at },
        }),
      ),
    );
    return out !== undefined;
  }

  async list(endpointId: string, page: { limit: number; after?: Record<string, string> }): Promise<PageOf<WebhookDelivery>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'endpointId = :id',
        ExpressionAttributeValues: { ':id': endpointId },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: page.after } : {}),
      }),
    );
    return { items: (out.Items ?? []) as WebhookDelivery[], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Record<string, string> } : {}) };
  }
}

/** A delivery's table key, and nothing else of what the reference may carry. */
const keyOf = (ref: DeliveryRef) => ({ endpointId: ref.endpointId, deliveryId: ref.deliveryId });
