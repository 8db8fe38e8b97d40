/**
 * In-memory ports for measuring our own CPU without a store or queue in the way. They keep
 * the contracts that matter for timing (create refuses a duplicate id, claim takes a lease,
 * status moves forward only); they are not a fake for tests.
 */
import type { AttemptUpdate, ClaimResult, EmailQueue, FinishUpdate, IdempotencyGuard, MessageRecord, MessageStore, QueuedEmail } from '../../functions/core/ports.js';
import { DONE_DELIVERING, STATUS_RANK } from '../../functions/core/status.js';

interface Stored {
  record: MessageRecord;
  leaseUntil?: number;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryMessageStore implements MessageStore {
  readonly items = new Map<string, Stored>();

  async create(record: MessageRecord): Promise<void> {
    if (this.items.has(record.id)) throw new Error(`duplicate id ${record.id}`);
    this.items.set(record.id, { record: copy(record) });
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const item = this.items.get(id);
    return item && copy(item.record);
  }

  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    const item = this.items.get(id);
    if (!item) return { outcome: 'missing' };
    if (DONE_DELIVERING.has(item.record.status)) return { outcome: 'done', record: copy(item.record) };
    if (item.leaseUntil !== undefined && item.leaseUntil >= now.getTime()) return { outcome: 'busy', record: copy(item.record) };
    item.leaseUntil = leaseUntil.getTime();
    item.record.attempts += 1;
    return { outcome: 'claimed', record: copy(item.record) };
  }

  async recordAttempt(id: string, update: AttemptUpdate): Promise<void> {
    const item = this.items.get(id);
    if (!item) throw new Error(`no record ${id}`);
    apply(item, update);
  }

  async finish(id: string, update: FinishUpdate): Promise<boolean> {
    const item = this.items.get(id);
    if (!item) throw new Error(`no record ${id}`);
    const forward = STATUS_RANK[update.status] > STATUS_RANK[item.record.status];
    apply(item, update);
    if (!forward) return false;
    item.record.status = update.status;
    for (const key of ['relayResponse', 'providerMessageId', 'failureReason'] as const) if (update[key] !== undefined) item.record[key] = update[key];
    return true;
  }
}

function apply(item: Stored, update: AttemptUpdate): void {
  item.record.events.push(...copy(update.events));
  item.record.acceptedRecipients.push(...(update.accepted ?? []).map((r) => r.toLowerCase()));
  item.record.rejectedRecipients.push(...(update.rejected ?? []).map((r) => r.toLowerCase()));
  item.record.updatedAt = new Date().toISOString();
  delete item.leaseUntil;
}

export class MemoryEmailQueue implements EmailQueue {
  readonly bodies: string[] = [];
  async enqueue(message: QueuedEmail): Promise<void> {
    // Serialized as the SQS adapter does, so the cost of the body is counted.
    this.bodies.push(JSON.stringify(message));
  }
}

/** Runs the work once per key; enough to time the path with an Idempotency-Key. */
export class MemoryIdempotency implements IdempotencyGuard {
  private readonly done = new Map<string, object>();
  async run<T extends object>(key: string, _fingerprint: unknown, work: () => Promise<T>): Promise<T> {
    const previous = this.done.get(key);
    if (previous) return previous as T;
    const result = await work();
    this.done.set(key, result);
    return result;
  }
}
