import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AddVersionResult, Page, PageRequest, TemplateStore } from '../core/ports.js';
import type { TemplateContent, TemplateRecord, TemplateSummary } from '../core/records.js';
import { batchGet, batchWrite, documentClient, ifConditionHolds } from './dynamodb-document.js';
import { TEMPLATE_LIST_INDEX } from './tables.js';

const LATEST = 'latest';
const LISTED = 'template';
const entryOf = (version: number): string => `v${String(version).padStart(8, '0')}`;
/** Attempts at the conditional write of `latest` when other writers keep winning it. */
const WRITE_ATTEMPTS = 5;

/** An item of the table: a version (`entry` v00000003), or `latest` (a copy of the newest, or a tombstone). */
type Item = TemplateRecord & { entry: string; listing?: string; deletedAt?: string };

const live = (item: Item | undefined): item is Item => item !== undefined && item.deletedAt === undefined;

function recordOf(item: Item): TemplateRecord {
  const { entry: _entry, listing: _listing, deletedAt: _deleted, ...record } = item;
  return record;
}

/**
 * Templates table: one item per version, and `latest`. `latest` is where versions are
 * numbered: a new version is a conditional write of `latest` on the number it had, so two
 * writers never get the same number and a delete leaves a tombstone that keeps counting.
 * The version's own item is written right after; a writer that died between the two is
 * made good by the next one, which first copies the `latest` it read into its version item
 * (the same content, so the copy is always safe). No transactions: dynalite has none.
 */
export class DynamoDbTemplateStore implements TemplateStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async addVersion(alias: string, content: TemplateContent, at: string, mode: 'create' | 'update'): Promise<AddVersionResult> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const latest = await this.latest(alias);
      if (mode === 'create' && live(latest)) return { outcome: 'exists' };
      if (mode === 'update' && !live(latest)) return { outcome: 'missing' };
      if (live(latest)) await this.putVersion(recordOf(latest));
      // A delete that died halfway left versions behind: they go before the alias lives again.
      else if (latest) await this.removeVersions(alias);
      const template: TemplateRecord = { alias, version: (latest?.version ?? 0) + 1, ...content, createdAt: at };
      const written = await ifConditionHolds(
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...template, entry: LATEST, listing: LISTED },
            ConditionExpression: latest ? '#version = :previous' : 'attribute_not_exists(#alias)',
            ExpressionAttributeNames: latest ? { '#version': 'version' } : { '#alias': 'alias' },
            ...(latest ? { ExpressionAttributeValues: { ':previous': latest.version } } : {}),
          }),
        ),
      );
      if (written === undefined) continue;
      // `latest` holds the version already; should this write fail, the next new version writes it.
      await this.putVersion(template).catch(() => undefined);
      return { outcome: 'added', template };
    }
    throw new Error(`template ${alias}: other writers kept taking the next version number (${WRITE_ATTEMPTS} attempts)`);
  }

  async get(alias: string, version?: number): Promise<TemplateRecord | undefined> {
    if (version === undefined) {
      const latest = await this.latest(alias);
      return live(latest) ? recordOf(latest) : undefined;
    }
    // The version and `latest` in one read: a deleted template's versions are never served, even
    // while a delete is still removing them, and the newest version is in `latest` from its first moment.
    // batchGet asks again for keys a throttled read left unprocessed: one left out is not absent.
    const items = (await batchGet(
      this.doc,
      this.tableName,
      [
        { alias, entry: LATEST },
        { alias, entry: entryOf(version) },
      ],
      { consistent: true },
    )) as unknown as Item[];
    const latest = items.find((i) => i.entry === LATEST);
    if (!live(latest)) return undefined;
    const found = items.find((i) => i.entry !== LATEST) ?? (latest.version === version ? latest : undefined);
    return found && recordOf(found);
  }

  async list(page: PageRequest): Promise<Page<TemplateSummary>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TEMPLATE_LIST_INDEX,
        KeyConditionExpression: '#listing = :listed',
        ExpressionAttributeNames: { '#listing': 'listing' },
        ExpressionAttributeValues: { ':listed': LISTED },
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: page.after } : {}),
      }),
    );
    const items = ((out.Items ?? []) as Item[]).map(({ alias, version, subject, description, createdAt }) => ({
      alias,
      version,
      subject,
      ...(description !== undefined ? { description } : {}),
      createdAt,
    }));
    return { items, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Record<string, string> } : {}) };
  }

  async remove(alias: string, at: string): Promise<boolean> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const latest = await this.latest(alias);
      if (!live(latest)) {
        // Gone already; whatever a delete that died halfway left behind goes now.
        if (latest) await this.removeVersions(alias);
        return false;
      }
      // The tombstone first: from this write on, no version is served; it keeps the number for the next create.
      const written = await ifConditionHolds(
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { alias, entry: LATEST, version: latest.version, deletedAt: at },
            ConditionExpression: '#version = :version AND attribute_not_exists(#deletedAt)',
            ExpressionAttributeNames: { '#version': 'version', '#deletedAt': 'deletedAt' },
            ExpressionAttributeValues: { ':version': latest.version },
          }),
        ),
      );
      if (written === undefined) continue;
      await this.removeVersions(alias);
      return true;
    }
    throw new Error(`template ${alias}: other writers kept changing it while it was being deleted (${WRITE_ATTEMPTS} attempts)`);
  }

  private async latest(alias: string): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { alias, entry: LATEST }, ConsistentRead: true }));
    return out.Item as Item | undefined;
  }

  private async putVersion(template: TemplateRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...template, entry: entryOf(template.version) } }));
  }

  /** Deletes every version item of `alias` (not `latest`), 25 per call, retrying what DynamoDB leaves unprocessed. */
  private async removeVersions(alias: string): Promise<void> {
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#alias = :alias AND begins_with(#entry, :v)',
          ExpressionAttributeNames: { '#alias': 'alias', '#entry': 'entry' },
          ExpressionAttributeValues: { ':alias': alias, ':v': 'v' },
          ProjectionExpression: '#alias, #entry',
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      const keys = (out.Items ?? []) as { alias: string; entry: string }[];
      await batchWrite(
        this.doc,
        this.tableName,
        keys.map((key) => ({ DeleteRequest: { Key: key } })),
        { maxRounds: WRITE_ATTEMPTS, exhausted: (left) => new Error(`template ${alias}: DynamoDB kept ${left} version deletes unprocessed`) },
      );
      after = out.LastEvaluatedKey;
    } while (after);
  }
}
