/**
 * The environment contract: every variable a function, the local runner or a tool reads,
 * defined once (meaning, default, parse rule), and which ones each of them reads. The
 * compositions read through it, infra/service-stack.ts builds each function's environment
 * from it (a required variable it leaves out, or one the contract does not know, does not
 * compile), local/ sets its variables by these names, and test/infra checks the synthesized
 * functions against it.
 */
import type { TableName } from '../adapters/tables.js';
import { type Env, flag, integer, list, localOnly, oneOf, optionalText, port, positiveNumber, requiredText, runtime, text, type Variable } from './env.js';

export const VARIABLES = {
  // Tables and queues: names and URLs the stack passes in.
  MESSAGES_TABLE: requiredText('the messages table: status, history, schedule'),
  IDEMPOTENCY_TABLE: requiredText('the Idempotency-Key records (Powertools layout, 24 h TTL)'),
  SUPPRESSIONS_TABLE: requiredText('the suppression list'),
  FEEDBACK_TABLE: requiredText('bounce and complaint records'),
  API_KEYS_TABLE: requiredText('the API keys (hashes only)'),
  WEBHOOKS_TABLE: requiredText('the webhook endpoints, their signing secrets inside'),
  WEBHOOK_DELIVERIES_TABLE: requiredText('one item per event and webhook endpoint, its attempts inside (30-day TTL)'),
  TEMPLATES_TABLE: requiredText('stored templates, every version of each'),
  QUEUE_URL: requiredText('the send queue'),
  WEBHOOK_QUEUE_URL: requiredText('the webhook queue: events to fan out to endpoints, and deliveries to attempt'),
  SES_EVENTS_TOPIC_ARN: requiredText('the SNS topic SES publishes its notifications to: records from any other topic are logged and dropped'),
  DLQ_URL: requiredText('the send dead-letter queue'),
  PAYLOAD_BUCKET: optionalText('the claim-check bucket for large queue bodies and scheduled requests; without it they travel inline'),
  MESSAGE_RETENTION_DAYS: integer('days a message, its history and its email-log index items are kept before DynamoDB TTL removes them', 90, 1, 3650),
  // Sending.
  ALLOWED_SENDER_DOMAINS: optionalText('comma-separated domains `from` may use (a domain allows its subdomains)', 'any sender'),
  TRANSPORT: oneOf('how deliver sends: `ses` (SES SendRawEmail) or `smtp` (a relay; locally `ses` is the SES stand-in)', ['smtp', 'ses'] as const, 'smtp'),
  SES_CONFIGURATION_SET: optionalText('the SES configuration set whose event destination publishes to the events topic'),
  SES_MAX_SEND_RATE: positiveNumber('a fixed SES send rate in messages per second; when set, GetSendQuota is not called', 'GetSendQuota'),
  DELIVER_CONCURRENCY: integer("how many deliver containers share the account's SES MaxSendRate", 1, 1, 1000),
  SMTP_URL: localOnly(optionalText('the relay as a URL (`smtps://user:pass@host:465`); never in a deployed stack, which uses SMTP_SECRET_ARN')),
  SMTP_SECRET_ARN: optionalText('Secrets Manager secret holding the relay, read once per container at cold start'),
  // Delivery attempts.
  MAX_RECEIVE_COUNT: integer("the send queue's maxReceiveCount: the attempt that reaches it is the last", 5, 1, 1000),
  RETRY_BASE_SECONDS: integer('first retry backoff, doubled per attempt with jitter; 0 waits for the visibility timeout', 30, 0, 43_200),
  RETRY_MAX_SECONDS: integer('retry backoff ceiling', 900, 0, 43_200),
  DELIVERY_LEASE_SECONDS: integer('how long one attempt holds a message; outlives the function timeout', 120, 1, 43_200),
  SENT_CONTENT_DAYS: integer(
    'days the payload bucket keeps what each message sent (MIME headers, text and HTML parts) for GET /v1/emails/{id}/content; 0 keeps nothing',
    0,
    0,
    3650,
  ),
  // Webhooks.
  WEBHOOK_SCHEDULE: localOnly(
    oneOf(
      'the wait between webhook attempts: `deployed` (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) or `local` (seconds, to watch retries)',
      ['deployed', 'local'] as const,
      'deployed',
    ),
  ),
  WEBHOOK_ALLOW_LOOPBACK: localOnly(
    flag(
      '`1` lets webhook endpoints (and attachments given by URL) be plain http on loopback (npm start); the deployed stack only calls public https addresses',
    ),
  ),
  // Scheduled sends.
  SCHEDULE_LOOKAHEAD_SECONDS: integer('messages due within this many seconds leave now with an SQS delay; covers the time between two sweeps', 90, 0, 900),
  SCHEDULE_RETRY_SECONDS: integer('a sweep that took a message and died is taken over this long after the lookahead horizon', 120, 1, 3600),
  SCHEDULE_BUDGET_MS: integer('a sweep stops taking new pages after this long (also capped by the remaining invocation time)', 45_000, 1000, 900_000),
  // AWS clients.
  AWS_REGION: text('region of every AWS client (Lambda sets it)', 'us-east-1'),
  POSTHASTE_DYNAMODB_ENDPOINT: localOnly(optionalText('DynamoDB endpoint of a local stand-in')),
  POSTHASTE_SQS_ENDPOINT: localOnly(optionalText('SQS endpoint of a local stand-in')),
  POSTHASTE_S3_ENDPOINT: localOnly(optionalText('S3 endpoint of a local stand-in (path-style addressing)')),
  POSTHASTE_SES_ENDPOINT: localOnly(optionalText('SES endpoint of a local stand-in')),
  POSTHASTE_SECRETSMANAGER_ENDPOINT: localOnly(optionalText('Secrets Manager endpoint of a local stand-in')),
  POSTHASTE_APIGATEWAY_ENDPOINT: localOnly(optionalText('API Gateway endpoint override for usage-plan registration')),
  // Read by the Lambda runtime and Powertools, set on every function.
  NODE_OPTIONS: runtime(optionalText('`--enable-source-maps`: stack traces point into the TypeScript sources')),
  POWERTOOLS_SERVICE_NAME: runtime(optionalText('service name on logs, metrics and traces (the code passes the same name)')),
  // The key tool.
  POSTHASTE_USAGE_PLAN_ID: localOnly(optionalText("the stack's usage plan (output UsagePlanId) each new key is registered with")),
  // npm start.
  PORT: localOnly(port('API port of npm start', 3000)),
  SMTP_PORT: localOnly(port('port of the local SMTP sink', undefined, 'any free port')),
  POSTHASTE_DATA: localOnly(text('data folder of npm start: tables, saved queues, outbox, local API key', '.posthaste')),
  POSTHASTE_REQUIRE_API_KEY: localOnly(flag('`1` makes the local API require keys, checked by the same authorizer as in AWS')),
  POSTHASTE_ALLOWED_ORIGINS: localOnly(list('browser origins allowed to call the local API besides its own', 'none')),
  // The deliver function as its own process (local/deliver-worker.ts).
  QUEUE_ARN: localOnly(text('the queue ARN put into the SQS events the worker builds', 'arn:aws:sqs:us-east-1:000000000000:posthaste-send')),
  WORKER_CONCURRENCY: localOnly(integer('parallel pollers of the deliver worker', 2, 1, 64)),
  LOG_LEVEL: localOnly(oneOf('log level of the deliver worker', ['info', 'warn', 'error'] as const, 'warn')),
  CHAOS_KILL_AFTER_WRITE: localOnly(
    positiveNumber('the deliver worker kills itself after about this share of its state writes, before it tells the webhook queue (the chaos run)', 'off'),
  ),
  CHAOS_SEED: localOnly(integer('seed of the chaos run: which write CHAOS_KILL_AFTER_WRITE picks', 42, 0, 2 ** 31 - 1)),
} satisfies Record<string, Variable<unknown>>;

type Variables = typeof VARIABLES;
export type VariableName = keyof Variables;
export type Contract = Partial<Record<VariableName, Variable<unknown>>>;

const pick = <const K extends VariableName>(...names: K[]): { [N in K]: Variables[N] } =>
  Object.fromEntries(names.map((name) => [name, VARIABLES[name]])) as { [N in K]: Variables[N] };

/** The variable that names each table. */
export const TABLE_VARIABLES = {
  messages: 'MESSAGES_TABLE',
  idempotency: 'IDEMPOTENCY_TABLE',
  feedback: 'FEEDBACK_TABLE',
  suppressions: 'SUPPRESSIONS_TABLE',
  apiKeys: 'API_KEYS_TABLE',
  webhooks: 'WEBHOOKS_TABLE',
  webhookDeliveries: 'WEBHOOK_DELIVERIES_TABLE',
  templates: 'TEMPLATES_TABLE',
} as const satisfies Record<TableName, VariableName>;

/** What builds the AWS clients: the region, and the stand-ins' endpoints locally. */
export const AWS_CLIENTS = pick(
  'AWS_REGION',
  'POSTHASTE_DYNAMODB_ENDPOINT',
  'POSTHASTE_SQS_ENDPOINT',
  'POSTHASTE_S3_ENDPOINT',
  'POSTHASTE_SES_ENDPOINT',
  'POSTHASTE_SECRETSMANAGER_ENDPOINT',
  'POSTHASTE_APIGATEWAY_ENDPOINT',
);

/** How deliver hands messages over (compose/transport.ts). */
export const DELIVERY_TRANSPORT = pick('TRANSPORT', 'SES_CONFIGURATION_SET', 'SES_MAX_SEND_RATE', 'DELIVER_CONCURRENCY', 'SMTP_URL', 'SMTP_SECRET_ARN');

/** Set on every Lambda function by infra/constructs/posthaste-function.ts. */
export const LAMBDA_RUNTIME = pick('NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME');

const lambda = <C extends Contract>(own: C) => ({ ...LAMBDA_RUNTIME, ...AWS_CLIENTS, ...own });

/** Each Lambda function's variables. */
export const FUNCTION_ENVIRONMENTS = {
  api: lambda(
    pick(
      'MESSAGES_TABLE',
      'IDEMPOTENCY_TABLE',
      'SUPPRESSIONS_TABLE',
      'FEEDBACK_TABLE',
      'TEMPLATES_TABLE',
      'WEBHOOKS_TABLE',
      'WEBHOOK_DELIVERIES_TABLE',
      'QUEUE_URL',
      'WEBHOOK_QUEUE_URL',
      'PAYLOAD_BUCKET',
      'ALLOWED_SENDER_DOMAINS',
      'WEBHOOK_ALLOW_LOOPBACK',
      'MESSAGE_RETENTION_DAYS',
    ),
  ),
  deliver: lambda({
    ...pick(
      'MESSAGES_TABLE',
      'SUPPRESSIONS_TABLE',
      'FEEDBACK_TABLE',
      'QUEUE_URL',
      'WEBHOOK_QUEUE_URL',
      'PAYLOAD_BUCKET',
      'MAX_RECEIVE_COUNT',
      'RETRY_BASE_SECONDS',
      'RETRY_MAX_SECONDS',
      'DELIVERY_LEASE_SECONDS',
      'SENT_CONTENT_DAYS',
    ),
    ...DELIVERY_TRANSPORT,
  }),
  events: lambda(pick('MESSAGES_TABLE', 'FEEDBACK_TABLE', 'SUPPRESSIONS_TABLE', 'SES_EVENTS_TOPIC_ARN', 'WEBHOOK_QUEUE_URL')),
  scheduler: lambda(
    pick('MESSAGES_TABLE', 'QUEUE_URL', 'WEBHOOK_QUEUE_URL', 'PAYLOAD_BUCKET', 'SCHEDULE_LOOKAHEAD_SECONDS', 'SCHEDULE_RETRY_SECONDS', 'SCHEDULE_BUDGET_MS'),
  ),
  dispatcher: lambda(pick('WEBHOOKS_TABLE', 'WEBHOOK_DELIVERIES_TABLE', 'WEBHOOK_QUEUE_URL', 'WEBHOOK_SCHEDULE', 'WEBHOOK_ALLOW_LOOPBACK')),
  authorizer: lambda(pick('API_KEYS_TABLE')),
};

export type FunctionName = keyof typeof FUNCTION_ENVIRONMENTS;

/** What runs outside Lambda: npm start, the deliver worker, the key and DLQ tools. */
export const LOCAL_ENVIRONMENTS = {
  start: pick(
    'PORT',
    'SMTP_PORT',
    'POSTHASTE_DATA',
    'POSTHASTE_REQUIRE_API_KEY',
    'POSTHASTE_ALLOWED_ORIGINS',
    'SMTP_URL',
    'TRANSPORT',
    'ALLOWED_SENDER_DOMAINS',
  ),
  worker: { ...FUNCTION_ENVIRONMENTS.deliver, ...pick('QUEUE_ARN', 'WORKER_CONCURRENCY', 'LOG_LEVEL', 'CHAOS_KILL_AFTER_WRITE', 'CHAOS_SEED') },
  // The key tool takes the table from --table too.
  keys: { ...AWS_CLIENTS, ...pick('POSTHASTE_USAGE_PLAN_ID'), API_KEYS_TABLE: optionalText(VARIABLES.API_KEYS_TABLE.description) },
  dlq: { ...AWS_CLIENTS, ...pick('QUEUE_URL', 'DLQ_URL', 'MESSAGES_TABLE') },
};

export type Settings<C extends Contract> = { [K in keyof C]: C[K] extends Variable<infer T> ? T : never };

/** Every variable of a contract, parsed; the first missing or malformed one throws a ConfigError naming it. */
export function readEnvironment<C extends Contract>(contract: C, env: Env): Settings<C> {
  return Object.fromEntries(Object.entries(contract).map(([name, variable]) => [name, (variable as Variable<unknown>).parse(env[name], name)])) as Settings<C>;
}

type StackSet<C> = { [K in keyof C]: C[K] extends { localOnly: true } | { runtime: true } ? never : K }[keyof C];
type MustSet<C> = { [K in keyof C]: C[K] extends { required: true } ? K : never }[keyof C];

/** What a deployed stack may set for a function: every required variable, any optional one, never a local-only one. */
export type StackEnvironment<C> = { [K in Extract<StackSet<C>, MustSet<C>>]: string } & { [K in Exclude<StackSet<C>, MustSet<C>>]?: string | number };

/** A function's `environment` for CloudFormation: values as text, unset optional ones left out. */
export function stackEnvironment<C extends Contract>(contract: C, values: StackEnvironment<C>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(values as Record<string, string | number | undefined>)) {
    const variable = contract[name as VariableName];
    if (!variable || variable.localOnly || variable.runtime) throw new Error(`${name} is not a variable the stack sets for this function`);
    if (value !== undefined) environment[name] = String(value);
  }
  return environment;
}

/** Variables for several functions at once (the local runner's one environment), by contract name only. */
export type EnvironmentValues = { [K in VariableName]?: string };
