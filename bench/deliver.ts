/**
 * Delivery: the deliver handler consuming SQS batch events (built in memory, so no queue is
 * measured) with its status store on dynalite, against nodemailer's pooled transport sending
 * the same raw messages, batch by batch, to the same discarding relay in another process.
 */
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import nodemailer from 'nodemailer';
import { v7 as uuidv7 } from 'uuid';
import { parseSmtpUrl } from '../functions/adapters/smtp-config.js';
import { poolOptions, SmtpTransport } from '../functions/adapters/smtp-transport.js';
import { LOCAL_TABLES, type TableName } from '../functions/adapters/tables.js';
import { type AwsSettings, dynamoClient } from '../functions/compose/clients.js';
import { deliverDeps } from '../functions/compose/deliver.js';
import { TABLE_VARIABLES } from '../functions/compose/environment.js';
import { newRecord } from '../functions/core/accept-email.js';
import { silentLog } from '../functions/core/log.js';
import { buildMime } from '../functions/core/mime.js';
import type { SuppressionStore } from '../functions/core/ports.js';
import type { QueuedEmail } from '../functions/core/records.js';
import { STATUS_RANK } from '../functions/core/status.js';
import { createDeliverHandler } from '../functions/deliver/sqs-batch.js';
import { ensureTables } from '../local/tables.js';
import { MemoryMessageStore, unreachable } from '../test/helpers/memory-ports.js';
import { request, TRANSACTIONAL } from './lib/messages.js';
import { alternate, median, round } from './lib/stats.js';

export interface DeliverSetup {
  dynamoEndpoint: string;
  /** pid of the dynalite process, to report its CPU per message. */
  dynamoPid?: number;
  smtpUrl: string;
  ca?: string;
  messages: number;
  rounds: number;
  /** SQS batches handled at once: 1 is one warm Lambda container. */
  batchesInFlight: number;
  /** Diagnostic: the status store in memory instead of dynalite, to see what the store costs. */
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
async function writeQueuedRecords(aws: AwsSettings, queued: QueuedEmail[]): Promise<void> {
  const client = dynamoClient(aws);
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
  client.destroy();
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
  const cpu = process.cpuUsage();
  const server = processCpuMs(serverPid);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < batches.length) await work(batches[next++]!);
    }),
  );
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const serverAfter = processCpuMs(serverPid);
  return {
    msgPerSecond: (messages * 1000) / elapsed,
    cpuMsPerMessage: (used.user + used.system) / 1000 / messages,
    ...(server !== undefined && serverAfter !== undefined ? { serverCpuMsPerMessage: (serverAfter - server) / messages } : {}),
  };
}

export async function benchDeliver(setup: DeliverSetup): Promise<DeliverResult> {
  const aws: AwsSettings = { region: 'us-east-1', local: true, endpoints: { dynamodb: setup.dynamoEndpoint } };
  await ensureTables(dynamoClient(aws));
  const config = parseSmtpUrl(setup.smtpUrl, setup.ca ? { ca: setup.ca } : {});
  const transport = new SmtpTransport(config);
  const env = {
    ...Object.fromEntries(Object.entries(TABLE_VARIABLES).map(([table, variable]) => [variable, LOCAL_TABLES[table as TableName]])),
    QUEUE_URL: 'http://127.0.0.1:9/000000000000/posthaste-send',
    MAX_RECEIVE_COUNT: '5',
  };
  const deps = deliverDeps(env, aws, transport, silentLog);
  const memory = setup.memoryStore ? new MemoryMessageStore() : undefined;
  if (memory) {
    // Every store in memory: no recipient is suppressed and none is refused (feedback unused).
    deps.messages = memory;
    const unused = unreachable<SuppressionStore>('suppressions');
    deps.suppressions = { add: unused.add, get: unused.get, remove: unused.remove, list: unused.list, suppressedAmong: async () => new Set<string>() };
    deps.feedback = unreachable('feedback');
  }
  const handler = createDeliverHandler(deps);
  // The baseline: plain nodemailer with exactly our pool settings.
  const baseline = nodemailer.createTransport(poolOptions(config));
  const context = {} as Parameters<typeof handler>[1];
  const ourRuns: Timed[] = [];
  const baselineRuns: Timed[] = [];

  const runOurs = async (count: number) => {
    const queued = queuedMessages(count);
    if (memory) {
      const at = new Date().toISOString();
      for (const q of queued) await memory.create(newRecord(q.id, q.request, at));
    } else {
      await writeQueuedRecords(aws, queued);
    }
    const result = await timed(sqsEvents(queued), setup.batchesInFlight, count, memory ? undefined : setup.dynamoPid, async (event) => {
      const response = (await handler(event, context)) as SQSBatchResponse;
      if (response.batchItemFailures.length > 0) throw new Error(`the deliver handler reported ${response.batchItemFailures.length} failures`);
    });
    ourRuns.push(result);
    return result.msgPerSecond;
  };
  const runBaseline = async (count: number) => {
    const at = new Date();
    const batches = sqsEvents(queuedMessages(count)).map((event) =>
      event.Records.map((record) => {
        const q = JSON.parse(record.body) as QueuedEmail;
        const built = buildMime(q.request, { id: q.id, date: at });
        return { raw: built.raw, envelope: built.envelope };
      }),
    );
    const result = await timed(batches, setup.batchesInFlight, count, undefined, async (batch) => {
      await Promise.all(batch.map((m) => baseline.sendMail(m)));
    });
    baselineRuns.push(result);
    return result.msgPerSecond;
  };

  try {
    // Warm-up: open both pools (the relay greets each new connection after 100 ms) and JIT.
    await runOurs(200);
    await runBaseline(200);
    ourRuns.length = 0;
    baselineRuns.length = 0;
    const paired = await alternate(
      setup.rounds,
      () => runOurs(setup.messages),
      () => runBaseline(setup.messages),
    );
    const serverCpu = ourRuns.map((r) => r.serverCpuMsPerMessage).filter((v): v is number => v !== undefined);
    return {
      ours_msg_s: round(median(paired.ours)),
      nodemailer_msg_s: round(median(paired.baseline)),
      ratio: round(median(paired.ratios)),
      ours_cpu_ms_per_msg: round(median(ourRuns.map((r) => r.cpuMsPerMessage))),
      nodemailer_cpu_ms_per_msg: round(median(baselineRuns.map((r) => r.cpuMsPerMessage))),
      ...(serverCpu.length ? { store_server_cpu_ms_per_msg: round(median(serverCpu)) } : {}),
      messages: setup.messages,
      rounds: setup.rounds,
      connections: config.maxConnections,
      batches_in_flight: setup.batchesInFlight,
      raw_bytes: Buffer.byteLength(buildMime(request(TRANSACTIONAL), { id: uuidv7() }).raw),
    };
  } finally {
    transport.close();
    baseline.close();
  }
}
