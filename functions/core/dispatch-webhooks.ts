/**
 * Webhook delivery, in two steps through the webhook queue:
 *  1. fan-out: an event becomes one delivery per enabled endpoint that wants its type, each
 *     stored before it is queued (so the deliveries list shows it even before its first
 *     attempt). The delivery id is derived from the event, so an event fanned out twice —
 *     the emitter retried, or a sweep re-emitted it — is still one delivery.
 *  2. attempt: POST the stored payload, signed; record the attempt; on failure ask to be
 *     retried after the schedule's next delay, or mark the delivery failed after the last;
 *     count the endpoint's failure streak and disable it when the streak says it is gone.
 */
import type { Log } from './log.js';
import type { Metrics } from './metrics.js';
import type { Clock } from './ports.js';
import { resendWebhookPayload } from './resend-webhook-events.js';
import { endpointWants, type WebhookEvent } from './webhook-events.js';
import type { WebhookDeliveryStore, WebhookEndpointStore, WebhookQueue, WebhookSender } from './webhook-ports.js';
import { type DeliveryRef, deliveryIdFor, type StoredEndpoint, signingSecrets, type WebhookDelivery, type WebhookFormat } from './webhook-records.js';
import { afterAttempt, DEPLOYED_SCHEDULE_SECONDS, nextAttemptDelay, shouldDisable } from './webhook-retry.js';

/** Deliveries and their attempts are kept 30 days (the deliveries table's TTL). */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

/** The first bytes of a reply kept with an attempt. */
export const REPLY_SAMPLE_BYTES = 1024;

export interface DispatchDeps {
  endpoints: WebhookEndpointStore;
  deliveries: WebhookDeliveryStore;
  queue: WebhookQueue;
  sender: WebhookSender;
  clock: Clock;
  log: Log;
  metrics?: Metrics;
  /** Seconds to wait after each failed attempt (local mode runs a schedule of seconds). */
  schedule?: readonly number[];
}

/** The body an endpoint receives: `{type, createdAt, data}`; the id travels in `webhook-id`. */
export const webhookBody = (event: WebhookEvent): string => JSON.stringify({ type: event.type, createdAt: event.createdAt, data: event.data });

/** The body an endpoint of `format` receives for `event`; undefined when that format has no such event. */
export function deliveryBody(format: WebhookFormat | undefined, event: WebhookEvent): string | undefined {
  if (format !== 'resend') return webhookBody(event);
  const payload = resendWebhookPayload(event);
  return payload && JSON.stringify(payload);
}

/** Stores a delivery per wanting endpoint and queues the new ones. Returns how many were queued. */
export async function fanOut(deps: DispatchDeps, events: WebhookEvent[], endpoints?: StoredEndpoint[]): Promise<number> {
  if (events.length === 0) return 0;
  const targets = (endpoints ?? (await deps.endpoints.enabled())).filter((e) => e.enabled);
  const now = deps.clock.now();
  const at = now.toISOString();
  const queued: DeliveryRef[] = [];
  for (const event of events) {
    for (const endpoint of targets) {
      if (!endpointWants(endpoint.events, event.type)) continue;
      const payload = deliveryBody(endpoint.format, event);
      if (payload === undefined) continue;
      const delivery: WebhookDelivery = {
        endpointId: endpoint.id,
        deliveryId: deliveryIdFor(event.id, event.createdAt),
        eventId: event.id,
        eventType: event.type,
        messageId: event.data.id,
        payload,
        status: 'pending',
        attempts: [],
        createdAt: at,
        updatedAt: at,
        expiresAt: Math.floor(now.getTime() / 1000) + DELIVERY_RETENTION_SECONDS,
      };
      const ref = { endpointId: delivery.endpointId, deliveryId: delivery.deliveryId };
      if (await deps.deliveries.createIfAbsent(delivery)) {
        queued.push(ref);
        continue;
      }
      // Seen before: queue it again only if it never got an attempt (the fan-out that stored it died before queueing).
      const existing = await deps.deliveries.get(ref);
      if (existing && existing.status === 'pending' && existing.attempts.length === 0) queued.push(ref);
    }
  }
  if (queued.length > 0) await deps.queue.enqueueDeliveries(queued);
  return queued.length;
}

export type AttemptOutcome =
  /** Nothing more to do for this queue message: delivered, given up, or nothing to deliver. */
  | { result: 'done'; status: 'succeeded' | 'failed' | 'skipped'; reason?: string }
  /** Try again after this many seconds. */
  | { result: 'retry'; afterSeconds: number };

/** An attempt holds its delivery this long: the sender's 10 s deadline, with room to record the result. */
const ATTEMPT_HOLD_MS = 30_000;

/**
 * One attempt of one delivery, as the queue hands it over. The attempt is claimed first
 * (a conditional write), so a second queue message for the same delivery — an event
 * fanned out twice before its first attempt — neither posts it alongside the first nor
 * ahead of its retry schedule; it is dropped, and the first message carries the retries.
 */
export async function attemptDelivery(deps: DispatchDeps, ref: DeliveryRef): Promise<AttemptOutcome> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const delivery = await deps.deliveries.claim(ref, at, new Date(now.getTime() + ATTEMPT_HOLD_MS).toISOString());
  if (!delivery) {
    const stored = await deps.deliveries.get(ref);
    if (!stored) return { result: 'done', status: 'skipped', reason: 'no such delivery (expired or never stored)' };
    if (stored.status !== 'pending') return { result: 'done', status: 'skipped', reason: `already ${stored.status}` };
    // Early for its retry: wait for it (this may be the message carrying the schedule, let in a little early).
    const dueIn = stored.nextAttemptAt ? Date.parse(stored.nextAttemptAt) - now.getTime() : 0;
    if (dueIn > 0) return { result: 'retry', afterSeconds: Math.ceil(dueIn / 1000) };
    // Held by an attempt in flight: that attempt's own message carries the retries (and comes back if it dies).
    return { result: 'done', status: 'skipped', reason: 'another attempt of this delivery is in flight' };
  }
  const endpoint = await deps.endpoints.get(ref.endpointId);
  if (!endpoint?.enabled) {
    const reason = endpoint ? `endpoint disabled: ${endpoint.disabledReason ?? 'by an operator'}` : 'endpoint deleted';
    await deps.deliveries.recordAttempt(ref, { at, durationMs: 0, error: reason }, 'failed', at);
    return { result: 'done', status: 'failed', reason };
  }

  const attempt = await deps.sender.post({
    url: endpoint.url,
    id: delivery.eventId,
    body: delivery.payload,
    secrets: signingSecrets(endpoint, now),
    at: now,
    headerNames: endpoint.format === 'resend' ? 'svix' : 'webhook',
  });
  const { ok, ...recorded } = attempt;
  const made = delivery.attempts.length + 1;
  const delay = ok ? undefined : nextAttemptDelay(made, deps.schedule ?? DEPLOYED_SCHEDULE_SECONDS);
  const status = ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending';
  const nextAttemptAt = delay === undefined ? undefined : new Date(now.getTime() + delay * 1000).toISOString();
  await deps.deliveries.recordAttempt(ref, recorded, status, at, nextAttemptAt);

  const streak = afterAttempt(endpoint, ok, now);
  const disable = !ok && shouldDisable(streak, now);
  if (streak.consecutiveFailures !== endpoint.consecutiveFailures || disable) {
    await deps.endpoints.recordStreak(
      endpoint.id,
      streak,
      disable ? { reason: `failed ${streak.consecutiveFailures} attempts in a row since ${streak.failingSince}`, at } : undefined,
    );
  }
  if (disable) {
    deps.metrics?.count('webhookEndpointDisabled');
    deps.log('error', 'webhook endpoint disabled after failing for a day', { endpointId: endpoint.id, consecutiveFailures: streak.consecutiveFailures });
  }
  deps.metrics?.count(ok ? 'webhookDelivered' : 'webhookAttemptFailed');
  if (ok) return { result: 'done', status: 'succeeded' };
  deps.log(delay === undefined ? 'warn' : 'info', delay === undefined ? 'webhook delivery failed for good' : 'webhook attempt failed; retried later', {
    endpointId: endpoint.id,
    deliveryId: ref.deliveryId,
    attempt: made,
    ...(recorded.statusCode !== undefined ? { statusCode: recorded.statusCode } : {}),
    ...(recorded.error !== undefined ? { error: recorded.error } : {}),
  });
  if (delay === undefined) {
    deps.metrics?.count('webhookDeliveryFailed');
    return { result: 'done', status: 'failed', reason: 'retries exhausted' };
  }
  return { result: 'retry', afterSeconds: delay };
}

/** Resend one delivery by hand: back to pending and queued now; its webhook-id stays the same. */
export async function resendDelivery(deps: Pick<DispatchDeps, 'deliveries' | 'queue' | 'clock'>, ref: DeliveryRef): Promise<'queued' | 'missing' | 'pending'> {
  const delivery = await deps.deliveries.get(ref);
  if (!delivery) return 'missing';
  if (delivery.status !== 'pending' && !(await deps.deliveries.reopen(ref, deps.clock.now().toISOString()))) return 'pending';
  await deps.queue.enqueueDeliveries([ref]);
  return 'queued';
}
