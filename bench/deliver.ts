/**
 * Delivery: the deliver handler consuming SQS batch events (built in memory, so no queue is
 * measured) with its production wiring — status store on dynalite, webhook outbox telling a
 * fauxqs queue, both in other processes — against two baselines sending the same raw
 * messages, batch by batch, to the same discarding relay in another process:
 * - nodemailer: its pooled transport with our pool settings and nothing else;
 * - irreducible: the design's floor with the bare SDK — per message the two conditional
 *   UpdateItems (the claim's lease, the forward-only status write, with the store's own
 *   expressions) around the same nodemailer send, and one BatchGetItem per batch for the
 *   suppression list — on the same dynalite.
 */
import { readFileSync } from 'node:fs';
import { BatchGetItemCommand, type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import nodemailer, { type Transporter } from 'nodemailer';
import { v7 as uuidv7 } from 'uuid';
import { DynamoDbMessageStore, emitBucket } from '../functions/adapters/dynamodb-message-store.js';
import { parseSmtpUrl } from '../functions/adapters/smtp-config.js';
import { poolOptions, SmtpTransport } from '../functions/adapters/smtp-transport.js';
import { LOCAL_TABLES, type TableName } from '../functions/adapters/tables.js';
import { type AwsSettings, dynamoClient } from '../functions/compose/clients.js';
import { deliverDeps } from '../functions/compose/deliver.js';
import { TABLE_VARIABLES } from '../functions/compose/environment.js';
import { newRecord } from '../functions/core/accept-email.js';
import { emittingStore } from '../functions/core/emit-events.js';
import { silentLog } from '../functions/core/log.js';
import { buildMime } from '../functions/core/mime.js';
import { type SuppressionStore, systemClock } from '../functions/core/ports.js';
import type { QueuedEmail } from '../functions/core/records.js';
import { STATUS_RANK } from '../functions/core/status.js';
import { webhookQueue } from '../functions/core/webhook-queue.js';
import { createDeliverHandler } from '../functions/deliver/sqs-batch.js';
import { ensureTables } from '../local/tables.js';
import { MemoryMessageStore, MemoryQueue, unreachable } from '../test/helpers/memory-ports.js';
import { request, TRANSACTIONAL } from './lib/messages.js';
import { alternate, measured, median, round } from './lib/stats.js';

export interface DeliverSetup {
  dynamoEndpoint: string;
  /** pid of the dynalite process, to report its CPU per message. */
  dynamoPid?: number;
  /** fauxqs, and the webhook queue the deliver function tells its events to. */
  sqsEndpoint: string;
  webhookQueueUrl: string;
  smtpUrl: string;
  ca?: string;
  messages: number;
  rounds: number;
  /** SQS batches handled at once: 1 is one warm Lambda container. */
  batchesInFlight: number;
  /** Diagnostic: every store (and the webhook queue) in memory instead of dynalite, to see what our own code costs. */
  memoryStore?: boolean;
}

export interface DeliverResult {
  ours_msg_s: number;
  nodemailer_msg_s: number;
  ratio: number;
  /** CPU per message in this process (handler, SDK, nodemailer) and, for ours, in dynalite. */
  ours_cpu_ms_per_msg: number;
  nodemailer_cpu_ms_per_msg: number;
  store_server_cpu_ms_per_msg?: number;
  messages: number;
  rounds: number;
  connections: number;
  batches_in_flight: number;
  raw_bytes: number;
}

export interface IrreducibleResult {
  ours_msg_s: number;
  /** The floor: two UpdateItems per message, one BatchGetItem per batch, the same nodemailer pool. */
  irreducible_msg_s: number;
  /** ours / irreducible, median of the per-round ratios. */
  ratio: number;
  ours_cpu_ms_per_msg: number;
  irreducible_cpu_ms_per_msg: number;
  /** dynalite's CPU per message for each. */
  ours_store_server_cpu_ms_per_msg?: number;
  irreducible_store_server_cpu_ms_per_msg?: number;
  /** Store round trips per message, counted: ours (outbox included) and the floor. */
  ours_store_requests_per_msg: number;
  irreducible_store_requests_per_msg: number;
  /** Webhook queue requests per message (the outbox telling the dispatcher). */
  ours_queue_requests_per_msg: number;
  /** Diagnostic, paired with the floor in rounds of its own: our handler with the message store bare (no webhook outbox after its writes). */
  without_outbox_ratio: number;
  without_outbox_cpu_ms_per_msg: number;
  without_outbox_store_requests_per_msg: number;
  messages: number;
  rounds: number;
  connections: number;
  batches_in_flight: number;
}

const BATCH = 10;

function queuedMessages(count: number): QueuedEmail[] {
  const req = request(TRANSACTIONAL);
  return Array.from({ length: count }, () => ({ v: 1, id: uuidv7(), request: req }));
}

function sqsEvents(queued: QueuedEmail[]): SQSEvent[] {
  const now = String(Date.now());
  const events: SQSEvent[] = [];
  for (let i = 0; i < queued.length; i += BATCH) {
    events.push({
      Records: queued.slice(i, i + BATCH).map((q, j) => ({
        messageId: `m-${i + j}`,
        receiptHandle: `r-${i + j}`,
        body: JSON.stringify(q),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: now, SenderId: 'bench', ApproximateFirstReceiveTimestamp: now },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:posthaste-send',
        awsRegion: 'us-east-1',
      })),
    });
  }
  return events;
}

/**
 * The records the API would have left `queued`, written 25 at a time (not timed). The item
 * layout is the store's: if it changes, claims fail and the run stops with an error.
 */
async function writeQueuedRecords(client: DynamoDBClient, queued: QueuedEmail[]): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const at = new Date().toISOString();
  const requests = [];
  for (let i = 0; i < queued.length; i += 25) {
    const items = queued.slice(i, i + 25).map((q) => ({
      PutRequest: { Item: { ...newRecord(q.id, q.request, at), statusRank: STATUS_RANK.queued } },
    }));
    requests.push(items);
  }
  for (let i = 0; i < requests.length; i += 8) {
    await Promise.all(
      requests.slice(i, i + 8).map(async (items) => {
        let pending: typeof items | undefined = items;
        while (pending?.length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [LOCAL_TABLES.messages]: pending } }));
          pending = out.UnprocessedItems?.[LOCAL_TABLES.messages] as typeof items | undefined;
        }
      }),
    );
  }
}

/** CPU milliseconds used so far by another process (Linux /proc), or undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

interface Timed {
  msgPerSecond: number;
  cpuMsPerMessage: number;
  serverCpuMsPerMessage?: number;
}

/** Runs `work` over the batches with at most `inFlight` of them at a time. */
async function timed<T>(batches: T[], inFlight: number, messages: number, serverPid: number | undefined, work: (batch: T) => Promise<void>): Promise<Timed> {
  let next = 0;
  const server = processCpuMs(serverPid);
  const { perSecond, cpuMsPerItem } = await measured(messages, () =>
    Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < batches.length) await work(batches[next++]!);
      }),
    ),
  );
  const serverAfter = processCpuMs(serverPid);
  return {
    msgPerSecond: perSecond,
    cpuMsPerMessage: cpuMsPerItem,
    ...(server !== undefined && serverAfter !== undefined ? { serverCpuMsPerMessage: (serverAfter - server) / messages } : {}),
  };
}

/** SDK requests sent, by client (`DynamoDBClient`, `SQSClient`): the composition's `instrument` hook sees every client it makes. */
function requestCounter() {
  const counts = new Map<string, number>();
  const instrument = <T>(client: T): T => {
    (client as unknown as DynamoDBClient).middlewareStack.add(
      (next, context) => async (args) => {
        counts.set(context.clientName ?? '?', (counts.get(context.clientName ?? '?') ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
    return client;
  };
  return { instrument, count: (clientName: string) => counts.get(clientName) ?? 0 };
}

type Built = { raw: string; envelope: { from: string; to: string[] } };

/** The raw message and envelope of each queued email, built before timing: what both baselines send. */
function builtMessages(queued: QueuedEmail[]): Map<string, Built> {
  const at = new Date();
  return new Map(
    queued.map((q) => {
      const built = buildMime(q.request, { id: q.id, date: at });
      return [q.id, { raw: built.raw, envelope: built.envelope }];
    }),
  );
}

const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: String(value) });

/**
 * The floor, with the bare client: one BatchGetItem for the batch's recipients, then per
 * message the claim (the store's expression and condition, ALL_NEW as it asks), the send,
 * and the forward-only "sent" write with the attributes ours writes (history line,
 * recipients, relay response, the outbox mark in the same write).
 */
async function irreducibleBatch(client: DynamoDBClient, pool: Transporter, event: SQSEvent, built: Map<string, Built>): Promise<void> {
  const messages = event.Records.map((record) => {
    const { id } = JSON.parse(record.body) as QueuedEmail;
    return { id, ...built.get(id)! };
  });
  const addresses = [...new Set(messages.flatMap((m) => m.envelope.to.map((a) => a.toLowerCase())))];
  await client.send(
    new BatchGetItemCommand({
      RequestItems: { [LOCAL_TABLES.suppressions]: { Keys: addresses.map((a) => ({ address: S(a) })), ProjectionExpression: 'address', ConsistentRead: true } },
    }),
  );
  await Promise.all(
    messages.map(async (m) => {
      const now = Date.now();
      await client.send(
        new UpdateItemCommand({
          TableName: LOCAL_TABLES.messages,
          Key: { id: S(m.id) },
          UpdateExpression: 'SET leaseUntil = :until, attempts = if_not_exists(attempts, :zero) + :one',
          ConditionExpression: '#status = :queued AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': N(now + 60_000), ':now': N(now), ':queued': S('queued'), ':zero': N(0), ':one': N(1) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const info = await pool.sendMail({ raw: m.raw, envelope: m.envelope });
      const accepted = (info.accepted as string[]).map((a) => S(String(a).toLowerCase()));
      const response = S(info.response ?? '');
      const at = new Date().toISOString();
      await client.send(
        new UpdateItemCommand({
          TableName: LOCAL_TABLES.messages,
          Key: { id: S(m.id) },
          UpdateExpression:
            'SET events = list_append(if_not_exists(events, :empty), :events), updatedAt = :at, #status = :status, statusRank = :rank, acceptedRecipients = list_append(if_not_exists(acceptedRecipients, :empty), :accepted), emitBucket = if_not_exists(emitBucket, :emitBucket), emitPendingSince = if_not_exists(emitPendingSince, :at), relayResponse = :relayResponse REMOVE leaseUntil',
          ConditionExpression: 'attribute_exists(id) AND statusRank < :rank',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':events': { L: [{ M: { type: S('sent'), at: S(at), recipients: { L: accepted }, response } }] },
            ':empty': { L: [] },
            ':at': S(at),
            ':status': S('sent'),
            ':rank': N(STATUS_RANK.sent),
            ':accepted': { L: accepted },
            ':emitBucket': S(emitBucket(m.id)),
            ':relayResponse': response,
          },
        }),
      );
    }),
  );
}

type Against = 'nodemailer' | 'irreducible';

/** Our handler with its production wiring, and the bare parts the baselines use; each `run` times one round of `count` messages. */
export async function deliverRig(setup: DeliverSetup) {
  const aws: AwsSettings = { region: 'us-east-1', local: true, endpoints: { dynamodb: setup.dynamoEndpoint, sqs: setup.sqsEndpoint } };
  const bare = dynamoClient(aws);
  await ensureTables(bare);
  const config = parseSmtpUrl(setup.smtpUrl, setup.ca ? { ca: setup.ca } : {});
  const transport = new SmtpTransport(config);
  const env = {
    ...Object.fromEntries(Object.entries(TABLE_VARIABLES).map(([table, variable]) => [variable, LOCAL_TABLES[table as TableName]])),
    QUEUE_URL: 'http://127.0.0.1:9/000000000000/posthaste-send',
    WEBHOOK_QUEUE_URL: setup.webhookQueueUrl,
    MAX_RECEIVE_COUNT: '5',
  };
  const requests = requestCounter();
  const deps = deliverDeps(env, { ...aws, instrument: requests.instrument }, transport, silentLog);
  const memory = setup.memoryStore ? new MemoryMessageStore() : undefined;
  if (memory) {
    // Every store in memory: no recipient is suppressed and none is refused (feedback
    // unused); the outbox tells an in-memory queue, so its own code is measured too.
    deps.messages = emittingStore(memory, { messages: memory, queue: webhookQueue(new MemoryQueue()), clock: systemClock, log: silentLog });
    const unused = unreachable<SuppressionStore>('suppressions');
    deps.suppressions = { add: unused.add, get: unused.get, remove: unused.remove, list: unused.list, suppressedAmong: async () => new Set<string>() };
    deps.feedback = unreachable('feedback');
  }
  const handler = createDeliverHandler(deps);
  // Diagnostic: the same handler with the message store bare, no webhook outbox after its writes.
  const withoutOutbox = createDeliverHandler({
    ...deps,
    messages: new DynamoDbMessageStore(dynamoClient({ ...aws, instrument: requests.instrument }), LOCAL_TABLES.messages),
  });
  const context = {} as Parameters<typeof handler>[1];
  // Both baselines: plain nodemailer with exactly our pool settings.
  const pool = nodemailer.createTransport(poolOptions(config));
  const serverPid = memory ? undefined : setup.dynamoPid;

  const prepare = async (count: number) => {
    const queued = queuedMessages(count);
    if (memory) {
      const at = new Date().toISOString();
      for (const q of queued) await memory.create(newRecord(q.id, q.request, at));
    } else {
      await writeQueuedRecords(bare, queued);
    }
    return queued;
  };
  const handled = (deliver: typeof handler) => async (count: number) => {
    const events = sqsEvents(await prepare(count));
    return timed(events, setup.batchesInFlight, count, serverPid, async (event) => {
      const response = (await deliver(event, context)) as SQSBatchResponse;
      if (response.batchItemFailures.length > 0) throw new Error(`the deliver handler reported ${response.batchItemFailures.length} failures`);
    });
  };
  const nodemailerOnly = async (count: number) => {
    const queued = queuedMessages(count);
    const built = builtMessages(queued);
    const batches = sqsEvents(queued).map((event) => event.Records.map((record) => built.get((JSON.parse(record.body) as QueuedEmail).id)!));
    return timed(batches, setup.batchesInFlight, count, undefined, async (batch) => {
      await Promise.all(batch.map((m) => pool.sendMail(m)));
    });
  };
  const irreducible = async (count: number) => {
    const queued = await prepare(count);
    const built = builtMessages(queued);
    return timed(sqsEvents(queued), setup.batchesInFlight, count, serverPid, (event) => irreducibleBatch(bare, pool, event, built));
  };
  return {
    config,
    requests,
    run: { ours: handled(handler), oursWithoutOutbox: handled(withoutOutbox), nodemailer: nodemailerOnly, irreducible } satisfies Record<
      'ours' | 'oursWithoutOutbox' | Against,
      (count: number) => Promise<Timed>
    >,
    close: () => {
      transport.close();
      pool.close();
      bare.destroy();
    },
  };
}

/** Ours and one baseline, alternating, after a warm-up of both (the relay greets each new connection after 100 ms; JIT). */
async function paired(setup: DeliverSetup, rig: Awaited<ReturnType<typeof deliverRig>>, against: Against, ours: 'ours' | 'oursWithoutOutbox' = 'ours') {
  await rig.run[ours](200);
  await rig.run[against](200);
  const ourRuns: Timed[] = [];
  const baselineRuns: Timed[] = [];
  const dynamoBefore = rig.requests.count('DynamoDBClient');
  const sqsBefore = rig.requests.count('SQSClient');
  const timedRound = (runs: Timed[], run: (count: number) => Promise<Timed>) => async () => {
    const result = await run(setup.messages);
    runs.push(result);
    return result.msgPerSecond;
  };
  const rounds = await alternate(setup.rounds, timedRound(ourRuns, rig.run[ours]), timedRound(baselineRuns, rig.run[against]));
  const ourMessages = setup.messages * setup.rounds;
  const cpu = (runs: Timed[]) => round(median(runs.map((r) => r.cpuMsPerMessage)));
  const serverCpu = (runs: Timed[]) => {
    const values = runs.map((r) => r.serverCpuMsPerMessage).filter((v): v is number => v !== undefined);
    return values.length ? round(median(values)) : undefined;
  };
  return {
    ours_msg_s: round(median(rounds.ours)),
    baseline_msg_s: round(median(rounds.baseline)),
    ratio: round(median(rounds.ratios)),
    ours_cpu_ms_per_msg: cpu(ourRuns),
    baseline_cpu_ms_per_msg: cpu(baselineRuns),
    ours_server_cpu: serverCpu(ourRuns),
    baseline_server_cpu: serverCpu(baselineRuns),
    ours_store_requests_per_msg: round((rig.requests.count('DynamoDBClient') - dynamoBefore) / ourMessages),
    ours_queue_requests_per_msg: round((rig.requests.count('SQSClient') - sqsBefore) / ourMessages),
  };
}

/** Ours against nodemailer alone. */
export async function benchDeliver(setup: DeliverSetup): Promise<DeliverResult> {
  const rig = await deliverRig(setup);
  try {
    const r = await paired(setup, rig, 'nodemailer');
    return {
      ours_msg_s: r.ours_msg_s,
      nodemailer_msg_s: r.baseline_msg_s,
      ratio: r.ratio,
      ours_cpu_ms_per_msg: r.ours_cpu_ms_per_msg,
      nodemailer_cpu_ms_per_msg: r.baseline_cpu_ms_per_msg,
      ...(r.ours_server_cpu !== undefined ? { store_server_cpu_ms_per_msg: r.ours_server_cpu } : {}),
      messages: setup.messages,
      rounds: setup.rounds,
      connections: rig.config.maxConnections,
      batches_in_flight: setup.batchesInFlight,
      raw_bytes: Buffer.byteLength(buildMime(request(TRANSACTIONAL), { id: uuidv7() }).raw),
    };
  } finally {
    rig.close();
  }
}

/** Ours against the design's floor on the same dynalite. */
export async function benchDeliverIrreducible(setup: DeliverSetup): Promise<IrreducibleResult> {
  const rig = await deliverRig({ ...setup, memoryStore: false });
  try {
    const r = await paired(setup, rig, 'irreducible');
    const bare = await paired(setup, rig, 'irreducible', 'oursWithoutOutbox');
    return {
      ours_msg_s: r.ours_msg_s,
      irreducible_msg_s: r.baseline_msg_s,
      ratio: r.ratio,
      ours_cpu_ms_per_msg: r.ours_cpu_ms_per_msg,
      irreducible_cpu_ms_per_msg: r.baseline_cpu_ms_per_msg,
      ...(r.ours_server_cpu !== undefined ? { ours_store_server_cpu_ms_per_msg: r.ours_server_cpu } : {}),
      ...(r.baseline_server_cpu !== undefined ? { irreducible_store_server_cpu_ms_per_msg: r.baseline_server_cpu } : {}),
      ours_store_requests_per_msg: r.ours_store_requests_per_msg,
      irreducible_store_requests_per_msg: 2 + 1 / BATCH,
      ours_queue_requests_per_msg: r.ours_queue_requests_per_msg,
      without_outbox_ratio: bare.ratio,
      without_outbox_cpu_ms_per_msg: bare.ours_cpu_ms_per_msg,
      without_outbox_store_requests_per_msg: bare.ours_store_requests_per_msg,
      messages: setup.messages,
      rounds: setup.rounds,
      connections: rig.config.maxConnections,
      batches_in_flight: setup.batchesInFlight,
    };
  } finally {
    rig.close();
  }
}
