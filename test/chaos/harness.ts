import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../../functions/compose/clients.js';
import { idOf } from '../../functions/core/check-out.js';
import { silentLog } from '../../functions/core/log.js';
import type { MessageRecord } from '../../functions/core/records.js';
import { DONE_DELIVERING } from '../../functions/core/status.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { posthasteIdOf, type SinkFaults } from '../../local/smtp-sink.js';
import { startWorker } from '../helpers/worker.js';
import { type AcceptedSend, startSesThrottleProxy } from './ses-throttle-proxy.js';
import { startWebhookChaos, type WebhookCounts } from './webhook-chaos.js';
import type { ReceiverFaultShares } from './webhook-receiver.js';
import { superviseWorker } from './worker-supervisor.js';

export interface ChaosOptions {
  messages: number;
  seed?: number;
  /** Kill the deliver worker when this share of messages has reached the relay. */
  killAt?: number[];
  concurrency?: number;
  /** `smtp`: relay faults; `ses`: the SES API with throttling bursts. */
  transport?: 'smtp' | 'ses';
  /** About this share of the worker's state writes are followed by its own SIGKILL, before it tells the webhook queue (default 0.02; 0: none). */
  killAfterWrite?: number;
  /** Shares of webhook requests the receiver fails, by kind. */
  receiverFaults?: ReceiverFaultShares;
  log?: (line: string) => void;
}

export interface ChaosCounts {
  accepted: number;
  sent: number;
  failed: number;
  suppressed: number;
  retried: number;
  inDlq: number;
  lost: number;
  duplicated: number;
  /** Duplicates SMTP makes unavoidable: the relay kept the message but the 250 never arrived. */
  unavoidableDuplicates: number;
  workerKills: number;
  faults: Record<string, number>;
  webhooks: WebhookCounts;
  seconds: number;
}

/** The dispatcher's timeout in the chaos run: a held request fails in a second, not the deployed 10. */
const CHAOS_WEBHOOK_TIMEOUT_MS = 1000;
/** The outbox sweep takes a mark this old (60 s deployed): what a killed writer left is emitted within seconds. */
const CHAOS_EMISSION_GRACE_MS = 2000;
/** Long enough for the local retry schedule's eight attempts (about two minutes); reaching it fails the run. */
const WEBHOOK_DEADLINE_MS = 180_000;
const RECEIVER_FAULTS: ReceiverFaultShares = { http_500: 0.06, timeout: 0.03, dropped: 0.03 };

/** Small seeded PRNG so a failing run can be replayed with CHAOS_SEED. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function scanMessages(pipeline: Pipeline): Promise<Map<string, MessageRecord>> {
  const doc = DynamoDBDocumentClient.from(dynamoClient(pipeline.aws));
  const records = new Map<string, MessageRecord>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: pipeline.env.MESSAGES_TABLE!, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) records.set(item.id as string, item as MessageRecord);
    start = out.LastEvaluatedKey;
  } while (start);
  return records;
}

function dlqIds(pipeline: Pipeline): Set<string> {
  return new Set(
    pipeline
      .queueBodies('dlq')
      .map(idOf)
      .filter((id): id is string => id !== undefined),
  );
}

/**
 * Drives the local pipeline over its real protocols while the relay injects faults and
 * the deliver worker is killed mid-run, then counts what became of every accepted message.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosCounts> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = mulberry32(options.seed ?? 42);
  const transport = options.transport ?? 'smtp';
  const faults = { throttled: 0, ses_reply_lost: 0, rcpt_550: 0, rcpt_451: 0, data_421: 0, dropped_mid_data: 0, reply_lost_after_accept: 0 };
  const sinkFaults: SinkFaults = {
    onRcpt() {
      const r = random();
      if (r < 0.03) {
        faults.rcpt_550++;
        return { responseCode: 550, message: '5.1.1 No such user' };
      }
      if (r < 0.08) {
        faults.rcpt_451++;
        return { responseCode: 451, message: '4.3.0 Try again later' };
      }
      return undefined;
    },
    onData() {
      const r = random();
      if (r < 0.05) {
        faults.data_421++;
        return { responseCode: 421, message: '4.3.2 Service shutting down' };
      }
      if (r < 0.07) {
        faults.dropped_mid_data++;
        return 'drop';
      }
      if (r < 0.075) {
        faults.reply_lost_after_accept++;
        return 'accept-then-drop';
      }
      return undefined;
    },
  };
  const pipeline = await startPipeline({
    transport,
    inProcessDelivery: false,
    sink: { faults: sinkFaults },
    maxReceives: 5,
    visibilityTimeoutSeconds: 4,
    retryBaseSeconds: 1,
    retryMaxSeconds: 4,
    leaseSeconds: 3,
    webhookTimeoutMs: CHAOS_WEBHOOK_TIMEOUT_MS,
    emissionGraceMs: CHAOS_EMISSION_GRACE_MS,
    onSweep: (report) => (sweptEvents += report.eventsEmitted),
    log: () => silentLog,
  });
  let sweptEvents = 0;
  const proxy = transport === 'ses' ? await startSesThrottleProxy(pipeline.ses!.url, random, faults) : undefined;
  const webhooks = await startWebhookChaos(pipeline, mulberry32((options.seed ?? 42) + 1), options.receiverFaults ?? RECEIVER_FAULTS);
  const killAfterWrite = options.killAfterWrite ?? 0.02;
  const workerEnv: Record<string, string> = {
    ...(proxy ? { POSTHASTE_SES_ENDPOINT: proxy.url, SES_MAX_SEND_RATE: '500' } : {}),
    ...(killAfterWrite > 0 ? { CHAOS_KILL_AFTER_WRITE: String(killAfterWrite) } : {}),
  };
  // What the relay (or SES) accepted, whichever this run delivers through.
  const received: AcceptedSend[] = proxy ? proxy.accepted : pipeline.sink!.received;
  const inDoubt = new Set<string>();
  // Whatever the relay kept but a dead worker had not recorded is in doubt: a resend is unavoidable.
  const noteInDoubt = async () => {
    // A send the dead worker forwarded may still be accepted by SES after the kill: wait for SES's answers first.
    await proxy?.quiet();
    const records = await scanMessages(pipeline);
    for (const message of received) {
      const id = posthasteIdOf(message.raw);
      const record = id ? records.get(id) : undefined;
      if (!id || !record) continue;
      for (const rcpt of message.envelope.to) {
        if (record.status === 'queued' && !(record.acceptedRecipients ?? []).includes(rcpt.toLowerCase())) inDoubt.add(`${id} ${rcpt}`);
      }
    }
    log(`the deliver worker died at ${received.length} relayed messages; ${inDoubt.size} deliveries in doubt`);
  };
  const worker = await superviseWorker(
    // Each worker its own seed: the next one dies at another write.
    (index) => startWorker(pipeline, { ...workerEnv, CHAOS_SEED: String((options.seed ?? 42) * 1000 + index) }),
    noteInDoubt,
  );
  let kills = 0;
  try {
    // Send everything over HTTP, as an app would.
    const accepted: string[] = [];
    const pool = Array.from({ length: Math.max(50, Math.floor(options.messages / 5)) }, (_, i) => `user${i}@example.org`);
    let next = 0;
    const send = async () => {
      while (next < options.messages) {
        const n = next++;
        const to = [pool[Math.floor(random() * pool.length)]!, ...(random() < 0.3 ? [pool[Math.floor(random() * pool.length)]!] : [])];
        const res = await fetch(`${pipeline.apiUrl}/v1/emails`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'chaos@example.com', to: [...new Set(to)], subject: `chaos ${n}`, text: `message ${n}` }),
        });
        if (res.status === 202) accepted.push(((await res.json()) as { id: string }).id);
        else log(`send ${n} answered ${res.status}: ${await res.text()}`);
      }
    };
    const sending = Promise.all(Array.from({ length: options.concurrency ?? 16 }, send));

    // Kill the worker when given shares of the messages have reached the relay.
    const killPoints = [...(options.killAt ?? [0.3, 0.65])];
    const killer = (async () => {
      for (const share of killPoints) {
        while (received.length < options.messages * share) await new Promise((r) => setTimeout(r, 20));
        await worker.kill();
        kills++;
      }
    })();
    await sending;
    log(`accepted ${accepted.length} of ${options.messages}`);
    await killer;

    // Wait until every accepted message is finished or parked in the DLQ.
    const deadline = Date.now() + 120_000 + options.messages * 30;
    let records = await scanMessages(pipeline);
    let dlq = dlqIds(pipeline);
    const settled = () => accepted.every((id) => DONE_DELIVERING.has(records.get(id)?.status ?? 'queued') || dlq.has(id));
    while (!settled() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      records = await scanMessages(pipeline);
      dlq = dlqIds(pipeline);
    }
    // Let in-flight DLQ moves finish: a message marked failed on its last receive is moved when it
    // next becomes visible. Once the send queue holds none of the accepted messages (it counts
    // ready, delayed and in-flight ones), nothing more can reach the relay or the DLQ.
    const stillQueued = () => {
      const queued = new Set(pipeline.queueBodies('send').map(idOf));
      return accepted.some((id) => queued.has(id));
    };
    while (stillQueued() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // A worker that died on the last messages notes what it left in doubt before the counting.
    await worker.settled();
    records = await scanMessages(pipeline);
    dlq = dlqIds(pipeline);
    log(`messages settled after ${Math.round((Date.now() - started) / 1000)} s; waiting for their webhook events`);
    const hooks = await webhooks.settle(
      accepted.map((id) => records.get(id)).filter((r): r is MessageRecord => r !== undefined),
      Date.now() + WEBHOOK_DEADLINE_MS,
    );

    const copies = new Map<string, AcceptedSend[]>();
    for (const message of received) {
      const id = posthasteIdOf(message.raw);
      if (!id) continue;
      for (const rcpt of message.envelope.to) {
        const key = `${id} ${rcpt}`;
        copies.set(key, [...(copies.get(key) ?? []), message]);
      }
    }
    let duplicated = 0;
    let unavoidable = 0;
    for (const [key, list] of copies) {
      if (list.length < 2) continue;
      if (list[0]!.replyLost || inDoubt.has(key)) unavoidable += list.length - 1;
      else duplicated += list.length - 1;
    }
    const statusOf = (id: string) => records.get(id)?.status;
    return {
      accepted: accepted.length,
      sent: accepted.filter((id) => statusOf(id) === 'sent').length,
      failed: accepted.filter((id) => statusOf(id) === 'failed').length,
      suppressed: accepted.filter((id) => statusOf(id) === 'suppressed').length,
      retried: accepted.filter((id) => (records.get(id)?.events ?? []).some((e) => e.type === 'retry')).length,
      inDlq: accepted.filter((id) => dlq.has(id)).length,
      lost: accepted.filter((id) => !DONE_DELIVERING.has(statusOf(id) ?? 'queued') && !dlq.has(id)).length,
      duplicated,
      unavoidableDuplicates: unavoidable,
      workerKills: kills,
      faults,
      webhooks: { ...hooks, killsAfterWrite: worker.selfKills, sweptEvents },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    worker.stop();
    await webhooks.stop();
    await proxy?.stop();
    await pipeline.stop();
  }
}

export function summary(counts: ChaosCounts, label = ''): string[] {
  const lines = [
    `accepted: ${counts.accepted}`,
    `sent: ${counts.sent}`,
    `failed: ${counts.failed}`,
    `suppressed: ${counts.suppressed}`,
    `retried: ${counts.retried}`,
    `in DLQ: ${counts.inDlq}`,
    `lost: ${counts.lost}`,
    `duplicated: ${counts.duplicated}`,
    `unavoidable duplicates: ${counts.unavoidableDuplicates} (the relay or SES kept the message but its reply never arrived, or the worker was killed after acceptance and before the status write; the sender cannot tell either from a failure, so at-least-once delivery sends again)`,
    `worker kills: ${counts.workerKills}`,
    `faults injected: ${Object.entries(counts.faults)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    ...webhookSummary(counts.webhooks),
    `seconds: ${counts.seconds}`,
  ];
  return label ? lines.map((line) => `${label} ${line}`) : lines;
}

function webhookSummary(w: WebhookCounts): string[] {
  return [
    `webhook events expected: ${w.expected} (every webhook-worthy history line of the final records × the endpoints that want it)`,
    `webhook events delivered: ${w.delivered} (distinct endpoint + webhook-id answered 2xx)`,
    `webhook events lost: ${w.lost}`,
    `webhook duplicated deliveries: ${w.duplicated} (2xx answers beyond the first for one webhook-id; receivers deduplicate by it): ${w.answeredButFailed} answered 2xx but recorded failed by the dispatcher (its timeout passed first), ${w.succeededTwice} posted again after a recorded success (one delivery queued twice)`,
    `webhook unexpected deliveries: ${w.unexpected}`,
    `webhook bad signatures: ${w.badSignatures} of ${w.requests} requests`,
    `webhook receiver faults: ${Object.entries(w.faults)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    `worker kills after a state write, before telling the webhook queue: ${w.killsAfterWrite}; events the outbox sweep emitted: ${w.sweptEvents}`,
    `webhook wait after the messages settled: ${w.seconds} s`,
  ];
}
