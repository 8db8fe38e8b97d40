import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { consoleLog } from '../functions/adapters/logger.js';
import { S3PayloadStore } from '../functions/adapters/s3-payload-store.js';
import { parseSmtpUrl, type SmtpConfig, smtpSecurityWarnings } from '../functions/adapters/smtp-config.js';
import { SmtpTransport } from '../functions/adapters/smtp-transport.js';
import { SqsEmailQueue } from '../functions/adapters/sqs-email-queue.js';
import type { TableName } from '../functions/adapters/tables.js';
import { createApiHandler } from '../functions/api/api-gateway-adapter.js';
import type { ApiDeps } from '../functions/api/deps.js';
import { createAuthorizerHandler } from '../functions/authorizer/token-authorizer.js';
import { apiDeps } from '../functions/compose/api.js';
import { apiKeyStore } from '../functions/compose/authorizer.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, s3Client, sqsClient } from '../functions/compose/clients.js';
import { deliverDeps } from '../functions/compose/deliver.js';
import { dispatcherDeps } from '../functions/compose/dispatcher.js';
import { type EnvironmentValues, TABLE_VARIABLES } from '../functions/compose/environment.js';
import { eventsDeps } from '../functions/compose/events.js';
import { schedulerDeps } from '../functions/compose/scheduler.js';
import { transportFromEnv } from '../functions/compose/transport.js';
import { checkOut } from '../functions/core/check-out.js';
import { checkIn } from '../functions/core/claim-check.js';
import type { Log } from '../functions/core/log.js';
import { noMetrics } from '../functions/core/metrics.js';
import type { PayloadStore, Transport } from '../functions/core/ports.js';
import type { SweepReport } from '../functions/core/sweep-scheduled.js';
import { createDeliverHandler } from '../functions/deliver/sqs-batch.js';
import { createDispatcherHandler } from '../functions/dispatcher/sqs-batch.js';
import { createEventsHandler } from '../functions/events/sns-notifications.js';
import type { SchedulerReport } from '../functions/scheduler/sweep-timer.js';
import { buildConsole, CONSOLE_PATH, serveConsole } from './console-assets.js';
import { type Gateway, type GatewayOptions, startGateway } from './http-gateway.js';
import { createMailboxSimulator, isSimulatorAddress, type MailboxSimulator } from './mailbox-simulator.js';
import { type SesStandIn, startSesStandIn } from './ses-stand-in.js';
import { type SinkOptions, type SmtpSink, startSmtpSink } from './smtp-sink.js';
import { LOCAL_TOPIC_ARN } from './sns-event.js';
import { lambdaContext, type Poller, startPoller } from './sqs-poller.js';
import { startSweeper } from './sweeper.js';
import { ensureTables, LOCAL_TABLES } from './tables.js';

export interface PipelineOptions {
  /** Folder for DynamoDB data and the queue snapshot; omit to keep everything in memory. */
  dataDir?: string;
  /** Folder where the local SMTP sink writes `.eml` files. */
  outbox?: string;
  apiPort?: number;
  smtpPort?: number;
  /**
   * `smtp` (default): the local SMTP sink, or the relay in `smtpUrl`. `ses`: the SES API of
   * the local stand-in (aws-ses-v2-local), through the same SES transport Lambda uses.
   */
  transport?: 'smtp' | 'ses';
  /** Deliver through this relay instead of the local sink (transport `smtp`). */
  smtpUrl?: string;
  smtpOverrides?: Partial<SmtpConfig>;
  sink?: Omit<SinkOptions, 'outbox' | 'port'>;
  deliverConcurrency?: number;
  /** Run the deliver poller in this process (default). Off when a separate worker process consumes the queue. */
  inProcessDelivery?: boolean;
  maxReceives?: number;
  visibilityTimeoutSeconds?: number;
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  leaseSeconds?: number;
  authorize?: GatewayOptions['authorize'];
  /** Browser origins allowed besides the API's own (see GatewayOptions.allowedOrigins). */
  allowedOrigins?: string[];
  /**
   * Require `Authorization: Bearer ph_…` keys from the apiKeys table, checked by the same
   * authorizer function API Gateway runs (create keys with `npm run keys -- create`).
   */
  requireApiKeys?: boolean;
  /** Comma-separated sender domains (ALLOWED_SENDER_DOMAINS); empty allows any. */
  allowedSenderDomains?: string;
  /** How long the mailbox simulator waits before publishing (SES takes seconds); default 100 ms. */
  simulatorDelayMs?: number;
  /** Webhook retries on the schedule of seconds (default) or the deployed one (`deployed`). */
  webhookSchedule?: 'local' | 'deployed';
  /** How often the scheduler sweeps for due messages (EventBridge runs it every minute in AWS); 0 turns it off. */
  scheduleSweepMs?: number;
  /** The dispatcher's POST timeout (default 10 s, as deployed); the chaos run shortens it. */
  webhookTimeoutMs?: number;
  /** How old an outbox mark must be before the sweep emits it (default 60 s, as deployed); the chaos run shortens it. */
  emissionGraceMs?: number;
  /** Told every timer sweep's report (the chaos run counts the events the outbox sweep emitted). */
  onSweep?: (report: SchedulerReport) => void;
  log?: (component: string) => Log;
  /** Serve the operator console under /console/ beside the API (npm start does). */
  console?: boolean;
}

export interface Pipeline {
  apiUrl: string;
  outbox?: string;
  sink?: SmtpSink;
  /** The SES stand-in (transport `ses`): open its URL in a browser to see what it received. */
  ses?: SesStandIn;
  transport: 'smtp' | 'ses';
  simulator: MailboxSimulator;
  queueUrl: string;
  dlqUrl: string;
  webhookQueueUrl: string;
  aws: AwsSettings;
  /** What the functions read here: the stand-ins' endpoints, table names, queue URLs, settings. */
  env: EnvironmentValues;
  /** The API function's dependencies (its stores, its compiled-template cache). */
  apiDeps: ApiDeps;
  fauxqs: FauxqsServer;
  poller?: Poller;
  gateway: Gateway;
  /** The operator console's address, when it is served. */
  consoleUrl?: string;
  queueArn: string;
  smtpUrl: string;
  /** Every message body a queue holds (ready, delayed and in flight). */
  queueBodies(queue: QueueRole): string[];
  /** One sweep of the scheduler, as the timer runs it. */
  sweep(): Promise<SweepReport>;
  stop(): Promise<void>;
}

const QUEUE = 'posthaste-send';
const DLQ = 'posthaste-send-dlq';
const WEBHOOK_QUEUE = 'posthaste-webhooks';
const WEBHOOK_DLQ = 'posthaste-webhooks-dlq';
const QUEUE_NAMES = { send: QUEUE, dlq: DLQ, webhooks: WEBHOOK_QUEUE, webhooksDlq: WEBHOOK_DLQ } as const;
export type QueueRole = keyof typeof QUEUE_NAMES;
/** The webhook queue's redrive limit, as in the deployed stack: attempts are receives. */
const WEBHOOK_MAX_RECEIVES = 20;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as { port: number }).port;
}

/** fauxqs keeps queues in memory: on a clean stop the runner saves what is still queued. */
function snapshotPath(dataDir: string | undefined) {
  return dataDir ? join(dataDir, 'queues.json') : undefined;
}

/** The payload key of a claim ticket; undefined for anything else, unreadable bodies in the DLQ included. */
function claimTicketKey(body: string): string | undefined {
  try {
    const key = (JSON.parse(body) as { payloadKey?: unknown }).payloadKey;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Every message body a queue holds: ready, delayed and in flight. */
function queueBodies(fauxqs: FauxqsServer, name: string): string[] {
  const state = fauxqs.inspectQueue(name);
  if (!state) return [];
  return [...state.messages.ready, ...state.messages.delayed, ...state.messages.inflight.map((m) => m.message)].map((m) => (m as { body: string }).body);
}

async function saveQueues(fauxqs: FauxqsServer, file: string | undefined, payloads: PayloadStore): Promise<number> {
  if (!file) return 0;
  const snapshot: Record<string, string[]> = {};
  let count = 0;
  for (const name of Object.values(QUEUE_NAMES)) {
    const bodies = queueBodies(fauxqs, name);
    // The stand-in's S3 is in memory too: a claim ticket is saved as the full message it points to.
    snapshot[name] = await Promise.all(
      bodies.map(async (body) => {
        const key = claimTicketKey(body);
        return (key && (await payloads.get(key))) || body;
      }),
    );
    count += bodies.length;
  }
  writeFileSync(file, JSON.stringify(snapshot));
  return count;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const makeLog = options.log ?? ((component: string) => consoleLog(component));
  const log = makeLog('local');
  if (options.dataDir) mkdirSync(join(options.dataDir, 'dynamodb'), { recursive: true });

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}) });
  const dynamoPort = await listen(dynamo);
  const fauxqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  const mode = options.transport ?? 'smtp';
  const ses: SesStandIn | undefined = mode === 'ses' ? await startSesStandIn() : undefined;
  const endpoints: EnvironmentValues = {
    POSTHASTE_DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
    POSTHASTE_SQS_ENDPOINT: fauxqs.address,
    POSTHASTE_S3_ENDPOINT: fauxqs.address,
    ...(ses ? { POSTHASTE_SES_ENDPOINT: ses.url } : {}),
  };
  const aws = awsSettingsFromEnv(endpoints);
  const missingIndexes = await ensureTables(dynamoClient(aws));
  if (missingIndexes.length)
    log('warn', 'the data folder was made by an older version: what reads these indexes fails until it is removed (the email log, the event feed)', {
      indexes: missingIndexes,
      folder: options.dataDir ? join(options.dataDir, 'dynamodb') : undefined,
    });

  const maxReceives = options.maxReceives ?? 5;
  const dlq = fauxqs.createQueue(DLQ);
  const queue = fauxqs.createQueue(QUEUE, {
    attributes: {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: String(maxReceives) }),
    },
  });

  const webhookDlq = fauxqs.createQueue(WEBHOOK_DLQ);
  const webhookQueue = fauxqs.createQueue(WEBHOOK_QUEUE, {
    attributes: {
      VisibilityTimeout: '60',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: webhookDlq.queueArn, maxReceiveCount: String(WEBHOOK_MAX_RECEIVES) }),
    },
  });
  const queueUrls: Record<string, string> = {
    [QUEUE]: queue.queueUrl,
    [DLQ]: dlq.queueUrl,
    [WEBHOOK_QUEUE]: webhookQueue.queueUrl,
    [WEBHOOK_DLQ]: webhookDlq.queueUrl,
  };

  const bucket = fauxqs.createBucket('posthaste-payloads').bucketName;
  const payloads = new S3PayloadStore(s3Client(aws), bucket);
  const sqs = sqsClient(aws);
  const snapshot = snapshotPath(options.dataDir);
  if (snapshot && existsSync(snapshot)) {
    const saved = JSON.parse(readFileSync(snapshot, 'utf8')) as Record<string, string[]>;
    for (const [name, bodies] of Object.entries(saved)) {
      const url = queueUrls[name];
      if (!url) continue;
      const restoreQueue = new SqsEmailQueue(sqs, url);
      for (const body of bodies) {
        // Webhook queue bodies are small JSON: back as they were.
        if (name === WEBHOOK_QUEUE || name === WEBHOOK_DLQ) {
          await restoreQueue.enqueue({ id: 'restored', body });
          continue;
        }
        // A readable message goes through the claim check again (large ones back to the payload store); anything else as it was.
        const read = await checkOut(body, undefined);
        await restoreQueue.enqueue(read.readable ? await checkIn(payloads, { message: read.message }) : { id: read.id ?? 'unreadable', body });
      }
      if (bodies.length) log('info', `restored ${bodies.length} message(s) to ${name}`);
    }
    rmSync(snapshot);
  }

  const env: EnvironmentValues = {
    ...endpoints,
    ...Object.fromEntries(Object.entries(TABLE_VARIABLES).map(([table, variable]) => [variable, LOCAL_TABLES[table as TableName]])),
    QUEUE_URL: queue.queueUrl,
    DLQ_URL: dlq.queueUrl,
    WEBHOOK_QUEUE_URL: webhookQueue.queueUrl,
    WEBHOOK_SCHEDULE: options.webhookSchedule ?? 'local',
    // A developer's receiver on this machine may take plain http; anything else must be public https.
    WEBHOOK_ALLOW_LOOPBACK: '1',
    SES_EVENTS_TOPIC_ARN: LOCAL_TOPIC_ARN,
    PAYLOAD_BUCKET: bucket,
    ...(options.allowedSenderDomains ? { ALLOWED_SENDER_DOMAINS: options.allowedSenderDomains } : {}),
    MAX_RECEIVE_COUNT: String(maxReceives),
    RETRY_BASE_SECONDS: String(options.retryBaseSeconds ?? 2),
    RETRY_MAX_SECONDS: String(options.retryMaxSeconds ?? 60),
    DELIVERY_LEASE_SECONDS: String(options.leaseSeconds ?? 20),
    // The console shows what each message sent; the stand-in's S3 keeps it until the pipeline stops.
    SENT_CONTENT_DAYS: '30',
  };

  let sink: SmtpSink | undefined;
  let smtpUrl = options.smtpUrl ?? '';
  let transport: Transport;
  let closeTransport: () => void = () => undefined;
  if (mode === 'ses') {
    // The stand-in has no GetSendQuota: a fixed rate stands in for the account's MaxSendRate.
    Object.assign(env, { TRANSPORT: 'ses', SES_CONFIGURATION_SET: 'posthaste-local', SES_MAX_SEND_RATE: '200' });
    transport = await transportFromEnv(env, aws, makeLog('ses'));
  } else {
    if (!options.smtpUrl) {
      sink = await startSmtpSink({
        ...options.sink,
        // Simulator mail produces notifications, not outbox files.
        skipOutbox: (envelope) => envelope.to.length > 0 && envelope.to.every(isSimulatorAddress),
        ...(options.outbox ? { outbox: options.outbox } : {}),
        ...(options.smtpPort !== undefined ? { port: options.smtpPort } : {}),
      });
      smtpUrl = `smtp://127.0.0.1:${sink.port}?tls=none`;
    }
    const smtp: SmtpConfig = parseSmtpUrl(smtpUrl, { ...(sink ? { timeoutMs: 10_000 } : {}), ...options.smtpOverrides });
    if (options.smtpUrl) for (const warning of smtpSecurityWarnings(smtp)) makeLog('deliver')('warn', warning);
    const smtpTransport = new SmtpTransport(smtp);
    transport = smtpTransport;
    closeTransport = () => smtpTransport.close();
  }

  const builtApiDeps = apiDeps(env, aws, noMetrics, makeLog('api'));
  const api = createApiHandler(builtApiDeps, makeLog('api'));
  const events = createEventsHandler(eventsDeps(env, aws, makeLog('events')), { topicArn: LOCAL_TOPIC_ARN });
  // SES publishes event-publishing records through the configuration set; with SMTP the
  // simulator speaks the older identity-notification format, so both shapes run locally.
  const simulator = createMailboxSimulator({
    format: mode === 'ses' ? 'event' : 'identity',
    configurationSet: 'posthaste-local',
    deliver: (event) => events(event, lambdaContext('posthaste-events')),
    log: makeLog('simulator'),
    delayMs: options.simulatorDelayMs ?? 100,
  });
  const deliver = createDeliverHandler(deliverDeps(env, aws, simulator.wrap(transport), makeLog('deliver')));

  const authorize = options.authorize ?? (options.requireApiKeys ? localAuthorizer(env, aws, makeLog('authorizer')) : undefined);
  const consoleFiles = options.console ? await buildConsole() : undefined;
  const gateway = await startGateway({
    handler: api,
    ...(consoleFiles ? { pages: (req, res) => serveConsole(req, res, consoleFiles) } : {}),
    ...(options.apiPort !== undefined ? { port: options.apiPort } : {}),
    ...(authorize ? { authorize } : {}),
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
  });
  const poller =
    options.inProcessDelivery === false
      ? undefined
      : startPoller({
          client: sqs,
          queueUrl: queue.queueUrl,
          queueArn: queue.queueArn,
          handler: deliver,
          concurrency: options.deliverConcurrency ?? 2,
          log: makeLog('poller'),
        });

  const dispatcher = startPoller({
    client: sqs,
    queueUrl: webhookQueue.queueUrl,
    queueArn: webhookQueue.queueArn,
    handler: createDispatcherHandler(
      dispatcherDeps(env, aws, makeLog('dispatcher'), noMetrics, options.webhookTimeoutMs !== undefined ? { timeoutMs: options.webhookTimeoutMs } : {}),
    ),
    concurrency: 2,
    log: makeLog('dispatcher'),
  });

  const sweepMs = options.scheduleSweepMs ?? 1000;
  const scheduler = schedulerDeps({ ...env, SCHEDULE_LOOKAHEAD_SECONDS: String(Math.ceil(sweepMs / 1000)) }, aws, makeLog('scheduler'));
  if (options.emissionGraceMs !== undefined) scheduler.emissions.graceMs = options.emissionGraceMs;
  const sweeper = startSweeper(scheduler, sweepMs, options.onSweep);

  return {
    apiUrl: gateway.url,
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(sink ? { sink } : {}),
    ...(ses ? { ses } : {}),
    transport: mode,
    simulator,
    queueUrl: queue.queueUrl,
    dlqUrl: dlq.queueUrl,
    webhookQueueUrl: webhookQueue.queueUrl,
    aws,
    env,
    apiDeps: builtApiDeps,
    fauxqs,
    ...(poller ? { poller } : {}),
    gateway,
    ...(consoleFiles ? { consoleUrl: `${gateway.url}${CONSOLE_PATH}` } : {}),
    queueArn: queue.queueArn,
    smtpUrl,
    queueBodies: (which) => queueBodies(fauxqs, QUEUE_NAMES[which]),
    sweep: sweeper.sweep,
    async stop() {
      await sweeper.stop();
      await gateway.stop();
      await poller?.stop();
      await dispatcher.stop();
      const saved = await saveQueues(fauxqs, snapshot, payloads);
      if (saved) log('info', `saved ${saved} queued message(s) for the next start`);
      await simulator.settled();
      closeTransport();
      await sink?.stop();
      await ses?.stop();
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}

/**
 * What API Gateway does with the REQUEST authorizer: no Authorization header is a 401
 * before the authorizer runs; an authorizer that fails with "Unauthorized" is a 401 too.
 */
function localAuthorizer(env: EnvironmentValues, aws: AwsSettings, log: Log): NonNullable<GatewayOptions['authorize']> {
  const authorizer = createAuthorizerHandler(apiKeyStore(env, aws), log);
  return async (headers) => {
    const value = headers.authorization;
    const authorization = Array.isArray(value) ? value[0] : value;
    if (!authorization) return { status: 401, message: 'Unauthorized' };
    try {
      const result = await authorizer(
        {
          type: 'REQUEST',
          methodArn: 'arn:aws:execute-api:us-east-1:000000000000:local/local/POST/v1/emails',
          headers: { Authorization: authorization },
        } as never,
        lambdaContext('posthaste-authorizer'),
      );
      return { principalId: result.principalId };
    } catch {
      return { status: 401, message: 'Unauthorized' };
    }
  };
}
