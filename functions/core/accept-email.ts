import { checkIn, enqueueAll } from './claim-check.js';
import { PosthasteError } from './errors.js';
import { describeError, type Log } from './log.js';
import type { Metrics } from './metrics.js';
import type { AcceptMessages, Clock, EmailQueue, EnqueueFailure, PayloadStore } from './ports.js';
import type { MessageRecord, TemplateUsed } from './records.js';
import { readScheduledAt } from './schedule.js';
import { discardRequest, stashRequest } from './scheduled-payload.js';
import { type EmailRequest, readSendInput, type SendInput } from './send-request.js';
import { checkSender } from './sender-policy.js';
import { completeContent, type TemplateRendering, templateReader } from './templated-send.js';

export interface AcceptDeps {
  messages: AcceptMessages;
  queue: Pick<EmailQueue, 'enqueue' | 'enqueueBatch'>;
  /** Large queue bodies and large scheduled requests go here (claim check); without it they must fit inline. */
  payloads?: PayloadStore;
  clock: Clock;
  newId: () => string;
  metrics?: Metrics;
  log?: Log;
  /** Sender domains `from` may use (ALLOWED_SENDER_DOMAINS); empty or absent allows any (local mode). */
  allowedSenderDomains?: string[];
  /** Stored templates (`template` in a send); without them a templated send is refused. */
  templates?: TemplateRendering;
}

export interface AcceptedEmail {
  id: string;
  status: 'queued' | 'scheduled';
  /** Present for scheduled messages (UTC). */
  scheduledAt?: string;
}

/** A send request that passed the schema, the sender policy and its schedule; its content may still have to be rendered. */
export interface ReadItem {
  input: SendInput;
  /** Absent for "send now". */
  scheduledAt?: Date;
  /** Its position in a batch (for the logs). */
  index?: number;
}

/** One send request that passed every check, its content final, ready to be accepted. */
export interface SendItem {
  request: EmailRequest;
  /** The template that rendered the content, when one did. */
  template?: TemplateUsed;
  /** Absent for "send now". */
  scheduledAt?: Date;
  /** Its position in a batch (for the logs). */
  index?: number;
}

export function newRecord(id: string, request: EmailRequest, at: string, template?: TemplateUsed): MessageRecord {
  return {
    ...(template ? { template } : {}),
    id,
    status: 'queued',
    createdAt: at,
    updatedAt: at,
    from: request.from.email,
    to: request.to.map((m) => m.email),
    cc: request.cc.map((m) => m.email),
    bcc: request.bcc.map((m) => m.email),
    subject: request.subject,
    tags: request.tags,
    events: [{ type: 'queued', at }],
    attempts: 0,
    acceptedRecipients: [],
    rejectedRecipients: [],
  };
}

export function scheduledRecord(id: string, request: EmailRequest, at: string, scheduledAt: Date, template?: TemplateUsed): MessageRecord {
  const due = scheduledAt.toISOString();
  return { ...newRecord(id, request, at, template), status: 'scheduled', scheduledAt: due, events: [{ type: 'scheduled', at, detail: `due at ${due}` }] };
}

/**
 * A request body as a send item: the schema, the sender policy, then `scheduledAt`. Throws
 * the 4xx that says what is wrong. What needs the templates table (rendering) comes next,
 * in completeItems.
 */
export function readSendItem(deps: Pick<AcceptDeps, 'allowedSenderDomains'>, body: unknown, now: Date): ReadItem {
  const input = readSendInput(body);
  checkSender(input.kind === 'content' ? input.request : input.envelope, deps.allowedSenderDomains ?? []);
  const scheduledAt = readScheduledAt(body, now);
  return { input, ...(scheduledAt ? { scheduledAt } : {}) };
}

/** What became of one item before it was accepted: its final content, or the error that says why not. */
export type CompletedItem = { item: SendItem } | { error: unknown };

/**
 * Each item's final content, one result per item in order: rendered from its template, a
 * text part made from html alone. Items of one call share their template reads.
 */
export async function completeItems(deps: Pick<AcceptDeps, 'templates'>, items: ReadItem[]): Promise<CompletedItem[]> {
  const read = deps.templates ? templateReader(deps.templates.templates) : undefined;
  return Promise.all(
    items.map(async ({ input, ...rest }) => {
      try {
        const { request, template } = await completeContent(deps.templates, read, input);
        return { item: { ...rest, request, ...(template ? { template } : {}) } };
      } catch (error) {
        return { error };
      }
    }),
  );
}

/** What became of one item: accepted, or the error that says why not (a 503 when nothing was sent). */
export type ItemOutcome = { accepted: AcceptedEmail } | { error: unknown };

/** POST /v1/emails: one message, the same path a batch item takes. */
export async function acceptEmail(deps: AcceptDeps, body: unknown): Promise<AcceptedEmail> {
  const [completed] = await completeItems(deps, [readSendItem(deps, body, deps.clock.now())]);
  if ('error' in completed!) throw completed.error;
  const [outcome] = await acceptItems(deps, [completed!.item]);
  if ('error' in outcome!) throw outcome.error;
  return outcome!.accepted;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of results. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) results.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  return results;
}

const unavailable = (detail: string, cause: unknown) => new PosthasteError('service_unavailable', detail, [], { cause });

/**
 * Accepts each item, one result per item in order: the accepted message, or the 503 that
 * says nothing was sent (with the store or queue error as its cause). Immediate messages
 * are recorded `queued` before the queue sees them, so the deliver worker always finds the
 * record; one the queue still refuses has its record closed as failed, never left looking
 * in flight. Several immediate messages go out in queue batches (fewer calls), one alone
 * in a single call.
 */
export async function acceptItems(deps: AcceptDeps, items: SendItem[]): Promise<ItemOutcome[]> {
  const results: ItemOutcome[] = new Array(items.length);
  const at = deps.clock.now().toISOString();
  const recorded: { slot: number; id: string; item: SendItem }[] = [];
  await mapLimit([...items.entries()], 25, async ([slot, item]) => {
    if (item.scheduledAt) {
      results[slot] = await acceptScheduled(deps, item, item.scheduledAt, at).then(
        (accepted) => ({ accepted }),
        (error: unknown) => ({ error }),
      );
      return;
    }
    const id = deps.newId();
    try {
      await deps.messages.create(newRecord(id, item.request, at, item.template));
      recorded.push({ slot, id, item });
    } catch (error) {
      results[slot] = { error: unavailable('could not record the message; nothing was queued, try again', error) };
    }
  });
  if (recorded.length === 0) return results;
  recorded.sort((a, b) => a.slot - b.slot);

  const refused = new Map((await enqueue(deps, recorded)).map((f) => [f.id, f]));
  await Promise.all(
    recorded.map(async ({ slot, id, item }) => {
      const failure = refused.get(id);
      if (failure === undefined) {
        deps.log?.('info', 'accepted', { messageId: id, ...(item.index !== undefined ? { batchIndex: item.index } : {}) });
        results[slot] = { accepted: { id, status: 'queued' } };
        return;
      }
      await deps.messages
        .finish(id, {
          status: 'failed',
          failure: { kind: 'enqueue_failed', reason: 'enqueue_failed' },
          events: [{ type: 'failed', at, detail: `the queue refused the message (${failure.reason}); the caller was told it was not accepted` }],
        })
        .catch((error) => deps.log?.('error', 'could not close a message the queue refused', { messageId: id, error: describeError(error) }));
      results[slot] = { error: unavailable('could not queue the message; nothing was sent, try again', failure.error ?? new Error(failure.reason)) };
    }),
  );
  if (recorded.length > refused.size) deps.metrics?.count('accepted', recorded.length - refused.size);
  return results;
}

async function enqueue(deps: AcceptDeps, recorded: { id: string; item: SendItem }[]): Promise<EnqueueFailure[]> {
  const outgoing = recorded.map(({ id, item }) => ({ message: { v: 1 as const, id, request: item.request } }));
  if (outgoing.length > 1) return enqueueAll(deps.queue, deps.payloads, outgoing);
  const only = outgoing[0]!;
  try {
    await deps.queue.enqueue(await checkIn(deps.payloads, only));
    return [];
  } catch (error) {
    return [{ id: only.message.id, reason: error instanceof Error ? error.message : String(error), error }];
  }
}

/**
 * A message for later: the record is written `scheduled` with its request, and the
 * scheduler queues it when it is due. Nothing is on the queue until then, so a cancel
 * only has to win one conditional write.
 */
async function acceptScheduled(deps: AcceptDeps, item: SendItem, scheduledAt: Date, at: string): Promise<AcceptedEmail> {
  const id = deps.newId();
  const payload = await stashRequest(deps.payloads, id, item.request);
  const record = scheduledRecord(id, item.request, at, scheduledAt, item.template);
  try {
    await deps.messages.createScheduled(record, payload);
  } catch (error) {
    await discardRequest(deps.payloads, payload).catch((discardError) =>
      deps.log?.('warn', 'could not remove a stored scheduled request', { messageId: id, error: describeError(discardError) }),
    );
    throw unavailable('could not record the message; nothing was scheduled, try again', error);
  }
  deps.metrics?.count('accepted');
  deps.metrics?.count('scheduled');
  deps.log?.('info', 'accepted for later', { messageId: id, scheduledAt: record.scheduledAt });
  return { id, status: 'scheduled', scheduledAt: record.scheduledAt! };
}
