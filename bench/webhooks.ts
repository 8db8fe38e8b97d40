/**
 * Webhook dispatch: events fanned out and delivered by the dispatcher's use case
 * (`dispatchBatch`: the fan-out message, then one attempt per delivery through the signed,
 * address-checked HTTP client) to a receiver in another process, against the bare work a
 * webhook sender cannot avoid: a loop of `fetch` POSTs signed with `standardwebhooks`, ten
 * at a time (one SQS batch). Ours runs twice: with its endpoint and delivery stores in
 * memory (what our code costs) and on dynalite in its own process (what a container does
 * with its tables).
 */
import { Webhook } from 'standardwebhooks';
import { DynamoDbWebhookDeliveryStore, DynamoDbWebhookEndpointStore } from '../functions/adapters/dynamodb-webhook-store.js';
import { HttpWebhookSender } from '../functions/adapters/http-webhook-sender.js';
import { LOCAL_TABLES } from '../functions/adapters/tables.js';
import { newWebhookSecret } from '../functions/adapters/webhook-secret.js';
import { dynamoClient } from '../functions/compose/clients.js';
import { webhookPolicy } from '../functions/compose/webhook-stores.js';
import type { DispatchBatchDeps } from '../functions/core/dispatch-batch.js';
import { dispatchBatch } from '../functions/core/dispatch-batch.js';
import { webhookBody } from '../functions/core/dispatch-webhooks.js';
import { silentLog } from '../functions/core/log.js';
import { type WebhookEvent, webhookEventsSince } from '../functions/core/webhook-events.js';
import type { WebhookDeliveryStore, WebhookEndpointStore } from '../functions/core/webhook-ports.js';
import type { DeliveryRef, StoredEndpoint, WebhookDelivery } from '../functions/core/webhook-records.js';
import { ensureTables } from '../local/tables.js';
import { alternate, measured, median, round } from './lib/stats.js';

export interface WebhookSetup {
  receiverUrl: string;
  dynamoEndpoint: string;
  events: number;
  rounds: number;
}

export interface WebhookResult {
  ours_events_s: number;
  bare_fetch_events_s: number;
  ratio: number;
  ours_cpu_ms_per_event: number;
  bare_fetch_cpu_ms_per_event: number;
  /** The same dispatcher with its two tables on dynalite (another process). */
  dynalite_events_s: number;
  dynalite_cpu_ms_per_event: number;
  events: number;
  rounds: number;
}

const BATCH = 10;

/** Deliveries and endpoints in maps: the bench's diagnostic, not a store the product runs on. */
function memoryStores(): { endpoints: WebhookEndpointStore; deliveries: WebhookDeliveryStore } {
  const endpoints = new Map<string, StoredEndpoint>();
  const deliveries = new Map<string, WebhookDelivery>();
  const key = (ref: DeliveryRef) => `${ref.endpointId}/${ref.deliveryId}`;
  return {
    endpoints: {
      create: async (e) => void endpoints.set(e.id, structuredClone(e)),
      get: async (id) => endpoints.get(id),
      list: async () => ({ items: [...endpoints.values()] }),
      enabled: async () => [...endpoints.values()].filter((e) => e.enabled),
      update: async () => undefined,
      replaceSecrets: async () => undefined,
      recordStreak: async (id, streak) => void Object.assign(endpoints.get(id)!, streak),
      remove: async (id) => endpoints.delete(id),
    },
    deliveries: {
      createIfAbsent: async (d) => {
        if (deliveries.has(key(d))) return false;
        deliveries.set(key(d), structuredClone(d));
        return true;
      },
      get: async (ref) => deliveries.get(key(ref)),
      claim: async (ref, now, until) => {
        const d = deliveries.get(key(ref));
        if (d?.status !== 'pending' || (d.attemptingUntil && d.attemptingUntil >= now)) return undefined;
        d.attemptingUntil = until;
        return d;
      },
      recordAttempt: async (ref, attempt, status, at) => {
        const d = deliveries.get(key(ref))!;
        d.attempts.push(attempt);
        d.attemptingUntil = undefined;
        Object.assign(d, { status, updatedAt: at });
      },
      reopen: async () => false,
      list: async () => ({ items: [] }),
    },
  };
}

function eventsFor(count: number, round: number): WebhookEvent[] {
  const at = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const message = {
      id: `bench-${round}-${i}`,
      from: 'shop@example.com',
      to: ['ann@example.org'],
      cc: [],
      bcc: [],
      subject: 'Your receipt',
      tags: [{ name: 'order', value: String(i) }],
    };
    return webhookEventsSince(message, [{ type: 'sent', at, recipients: message.to, response: '250 2.0.0 Ok: queued' }])[0]!;
  });
}

/** Ours: the fan-out messages, then the delivery messages, each in SQS-sized batches. Returns events/s. */
async function runOurs(setup: WebhookSetup, stores: { endpoints: WebhookEndpointStore; deliveries: WebhookDeliveryStore }, round: number, cpu: number[]) {
  const queued: DeliveryRef[] = [];
  const deps: DispatchBatchDeps = {
    ...stores,
    queue: { publishEvents: async () => undefined, enqueueDeliveries: async (refs) => void queued.push(...refs) },
    visibility: { delayRetry: async () => undefined },
    sender: new HttpWebhookSender({ policy: webhookPolicy(true) }),
    clock: { now: () => new Date() },
    log: silentLog,
  };
  const events = eventsFor(setup.events, round);
  let n = 0;
  const message = (body: unknown) => ({ queueMessageId: String(n++), receiptHandle: 'r', receiveCount: 1, body: JSON.stringify(body) });
  const { perSecond, cpuMsPerItem } = await measured(events.length, async () => {
    for (let i = 0; i < events.length; i += BATCH * 25) {
      const fanOuts = [];
      for (let j = i; j < Math.min(i + BATCH * 25, events.length); j += 25) fanOuts.push(message({ v: 1, kind: 'events', events: events.slice(j, j + 25) }));
      await dispatchBatch(deps, fanOuts);
    }
    for (let i = 0; i < queued.length; i += BATCH) {
      const stays = await dispatchBatch(
        deps,
        queued.slice(i, i + BATCH).map((ref) => message({ v: 1, kind: 'delivery', ...ref })),
      );
      if (stays.length) throw new Error(`${stays.length} deliveries failed in the bench`);
    }
    if (queued.length !== events.length) throw new Error(`fanned out ${queued.length} of ${events.length}`);
  });
  cpu.push(cpuMsPerItem);
  return perSecond;
}

/** The baseline: the same payloads signed with standardwebhooks and POSTed with fetch, ten at a time. */
async function runBare(setup: WebhookSetup, secret: string, round: number, cpu: number[]) {
  const signer = new Webhook(secret);
  const events = eventsFor(setup.events, round);
  const { perSecond, cpuMsPerItem } = await measured(events.length, async () => {
    for (let i = 0; i < events.length; i += BATCH) {
      await Promise.all(
        events.slice(i, i + BATCH).map(async (event) => {
          const body = webhookBody(event);
          const at = new Date();
          const res = await fetch(setup.receiverUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': event.id,
              'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
              'webhook-signature': signer.sign(event.id, at, body),
            },
            body,
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`receiver answered ${res.status}`);
        }),
      );
    }
  });
  cpu.push(cpuMsPerItem);
  return perSecond;
}

export async function benchWebhooks(setup: WebhookSetup): Promise<WebhookResult> {
  const secret = newWebhookSecret();
  const endpoint: StoredEndpoint = {
    id: 'wh_bench',
    url: setup.receiverUrl,
    events: [],
    enabled: true,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    consecutiveFailures: 0,
    secrets: [{ secret, createdAt: new Date().toISOString() }],
  };
  const memory = memoryStores();
  await memory.endpoints.create(endpoint);

  const aws = { region: 'us-east-1', local: true, endpoints: { dynamodb: setup.dynamoEndpoint } };
  const dynamo = dynamoClient(aws);
  await ensureTables(dynamo);
  const tables = {
    endpoints: new DynamoDbWebhookEndpointStore(dynamo, LOCAL_TABLES.webhooks),
    deliveries: new DynamoDbWebhookDeliveryStore(dynamo, LOCAL_TABLES.webhookDeliveries),
  };
  await tables.endpoints.create(endpoint);

  // Warm both paths (connections, JIT) before measuring.
  await runOurs({ ...setup, events: 50 }, memory, -1, []);
  await runBare({ ...setup, events: 50 }, secret, -1, []);

  const oursCpu: number[] = [];
  const bareCpu: number[] = [];
  let r = 0;
  const paired = await alternate(
    setup.rounds,
    () => runOurs(setup, memory, r++, oursCpu),
    () => runBare(setup, secret, r++, bareCpu),
  );
  const dynaliteCpu: number[] = [];
  const dynaliteRates: number[] = [];
  for (let i = 0; i < setup.rounds; i++) dynaliteRates.push(await runOurs(setup, tables, 1000 + i, dynaliteCpu));
  return {
    ours_events_s: Math.round(median(paired.ours)),
    bare_fetch_events_s: Math.round(median(paired.baseline)),
    ratio: round(median(paired.ratios), 2),
    ours_cpu_ms_per_event: round(median(oursCpu)),
    bare_fetch_cpu_ms_per_event: round(median(bareCpu)),
    dynalite_events_s: Math.round(median(dynaliteRates)),
    dynalite_cpu_ms_per_event: round(median(dynaliteCpu)),
    events: setup.events,
    rounds: setup.rounds,
  };
}
