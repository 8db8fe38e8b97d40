import type {
  AttemptUpdate,
  ClaimResult,
  EmailQueue,
  FinishUpdate,
  IdempotencyGuard,
  MessageRecord,
  MessageStore,
  QueuedEmail,
} from '../../functions/core/ports.js';
import { DONE_DELIVERING, STATUS_RANK } from '../../functions/core/status.js';

/** In-memory ports for unit tests and fuzzing of pure logic; integration tests use the stand-ins. */
export class MemoryMessageStore implements MessageStore {
  readonly records = new Map<string, MessageRecord & { leaseUntil?: number }>();

  async create(record: MessageRecord): Promise<void> {
    if (this.records.has(record.id)) throw new Error('exists');
    this.records.set(record.id, structuredClone(record));
  }
  async get(id: string) {
    const r = this.records.get(id);
    return r ? structuredClone(r) : undefined;
  }
  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    const r = this.records.get(id);
    if (!r) return { outcome: 'missing' };
    if (r.status === 'queued' && (r.leaseUntil === undefined || r.leaseUntil < now.getTime())) {
      r.leaseUntil = leaseUntil.getTime();
      r.attempts++;
      return { outcome: 'claimed', record: structuredClone(r) };
    }
    return DONE_DELIVERING.has(r.status) ? { outcome: 'done', record: structuredClone(r) } : { outcome: 'busy', record: structuredClone(r) };
  }
  async recordAttempt(id: string, update: AttemptUpdate): Promise<void> {
    const r = this.records.get(id)!;
    r.events.push(...update.events);
    r.acceptedRecipients.push(...(update.accepted ?? []));
    r.rejectedRecipients.push(...(update.rejected ?? []));
    delete r.leaseUntil;
  }
  async finish(id: string, update: FinishUpdate): Promise<boolean> {
    const r = this.records.get(id)!;
    if (STATUS_RANK[r.status] >= STATUS_RANK[update.status]) {
      r.events.push(...update.events);
      return false;
    }
    await this.recordAttempt(id, update);
    r.status = update.status;
    for (const key of ['relayResponse', 'providerMessageId', 'failureReason'] as const) if (update[key] !== undefined) r[key] = update[key];
    return true;
  }
}

export class MemoryQueue implements EmailQueue {
  readonly messages: QueuedEmail[] = [];
  async enqueue(message: QueuedEmail): Promise<void> {
    this.messages.push(structuredClone(message));
  }
}

export const passThroughIdempotency: IdempotencyGuard = { run: (_key, _fingerprint, work) => work() };

/** A port a test never reaches: any call fails loudly instead of passing silently. */
export function unreachable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, property) => () => {
      throw new Error(`${name}.${String(property)} was not expected to be called`);
    },
  });
}
