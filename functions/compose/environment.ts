/**
 * The environment contract: every variable a Posthaste function (or tool) reads, once, with
 * its parse rule, default and meaning. The compose files read settings only through
 * `readSettings`; infra/service-stack.ts builds each function's `environment` with
 * `stackEnvironment`, and local/pipeline.ts its shared one with `environmentValues`, so a
 * name exists here and nowhere else, and the compiler rejects a name this file does not
 * know. test/infra/environment-contract.test.ts feeds each synthesized function
 * environment into its composition.
 */
import type { TableName } from '../adapters/tables.js';
import { parseDomainList } from '../core/sender-policy.js';

/** Fail-fast configuration reading: a missing setting stops the cold start, not a request. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/**
 * Who sets a variable: `service` the service stack, per function; `function` the function
 * construct, on every function; `runtime` the Lambda runtime; `local` only local runs and
 * tools (never a deployed function).
 */
export type Scope = 'service' | 'function' | 'runtime' | 'local';

export interface Variable<T = unknown, S extends Scope = Scope, R extends boolean = boolean> {
  description: string;
  scope: S;
  required: R;
  /** The value used when the variable is unset, as an operator would write it. */
  default?: string;
  /** Reads the raw value; throws ConfigError when it breaks the rule. */
  parse(raw: string | undefined, name: string): T;
}

const present = (raw: string | undefined): raw is string => raw !== undefined && raw !== '';

function text<S extends Scope>(scope: S, description: string): Variable<string, S, true> {
  return {
    description,
    scope,
    required: true,
    parse(raw, name) {
      if (!present(raw)) throw new ConfigError(`environment variable ${name} is required`);
      return raw;
    },
  };
}

function optional<S extends Scope>(scope: S, description: string, fallback?: string): Variable<string | undefined, S, false> {
  return { description, scope, required: false, ...(fallback !== undefined ? { default: fallback } : {}), parse: (raw) => (present(raw) ? raw : fallback) };
}

function integer<S extends Scope>(scope: S, description: string, fallback: number, min: number, max: number): Variable<number, S, false> {
  return {
    description: `${description} (an integer from ${min} to ${max})`,
    scope,
    required: false,
    default: String(fallback),
    parse(raw, name) {
      if (!present(raw)) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not ${raw}`);
      return value;
    },
  };
}

/** An optional number: unset is undefined; a set value must pass `valid` (`rule` says what it must be). */
function optionalNumber<S extends Scope>(
  scope: S,
  description: string,
  rule: string,
  valid: (value: number) => boolean,
): Variable<number | undefined, S, false> {
  return {
    description,
    scope,
    required: false,
    parse(raw, name) {
      if (!present(raw)) return undefined;
      const value = Number(raw);
      if (!valid(value)) throw new ConfigError(`${name} must be ${rule}, not ${raw}`);
      return value;
    },
  };
}

const positive = <S extends Scope>(scope: S, description: string) =>
  optionalNumber(scope, description, 'a positive number', (value) => Number.isFinite(value) && value > 0);

const port = <S extends Scope>(scope: S, description: string) =>
  optionalNumber(scope, description, 'a port number', (value) => Number.isInteger(value) && value >= 0 && value <= 65_535);

function oneOf<const T extends string, S extends Scope>(scope: S, description: string, choices: readonly T[], fallback: T): Variable<T, S, false> {
  return {
    description: `${description} (${choices.join(' or ')})`,
    scope,
    required: false,
    default: fallback,
    parse(raw, name) {
      const value = present(raw) ? raw : fallback;
      if (!(choices as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, not ${value}`);
      return value as T;
    },
  };
}

const endpoint = (service: string) => optional('local', `Endpoint of a local ${service} stand-in; set, every client uses dummy credentials`);

/** Every variable, by name. */
export const VARIABLES = {
  MESSAGES_TABLE: text('service', 'DynamoDB table of messages: status, history, schedule'),
  IDEMPOTENCY_TABLE: text('service', 'DynamoDB table of Idempotency-Key records (Powertools layout, TTL)'),
  FEEDBACK_TABLE: text('service', 'DynamoDB table of bounce and complaint records'),
  SUPPRESSIONS_TABLE: text('service', 'DynamoDB table of suppressed recipients'),
  API_KEYS_TABLE: text('service', 'DynamoDB table of API keys (hashes only)'),
  QUEUE_URL: text('service', 'URL of the send queue'),
  DLQ_URL: text('local', "URL of the send queue's dead-letter queue (the redrive tool)"),
  PAYLOAD_BUCKET: optional('service', 'S3 bucket for claim-checked (large) payloads; unset, a message must fit in the queue'),
  ALLOWED_SENDER_DOMAINS: {
    ...optional('service', 'Comma-separated domains `from` may use (subdomains included); empty allows any sender'),
    parse: (raw: string | undefined): string[] => parseDomainList(raw),
  },
  TRANSPORT: oneOf('service', 'How deliver sends', ['smtp', 'ses'], 'smtp'),
  SES_CONFIGURATION_SET: optional('service', 'SES configuration set that publishes events (TRANSPORT=ses)'),
  SES_MAX_SEND_RATE: positive('local', 'Messages per second instead of the account quota from GetSendQuota (a stand-in has none)'),
  SMTP_URL: optional('local', 'SMTP relay as a URL, e.g. smtps://user:pass@host:465 (TRANSPORT=smtp, local runs)'),
  SMTP_SECRET_ARN: optional('service', 'Secrets Manager secret holding the SMTP relay settings (TRANSPORT=smtp, deployed)'),
  MAX_RECEIVE_COUNT: integer('service', "The send queue's maxReceiveCount: the attempt that reaches it is the last", 5, 1, 1000),
  DELIVER_CONCURRENCY: integer('service', "Deliver's maximum concurrency: each invocation takes this share of the SES send rate", 1, 1, 1000),
  RETRY_BASE_SECONDS: integer('service', 'First retry backoff, doubled per attempt', 30, 0, 43_200),
  RETRY_MAX_SECONDS: integer('service', 'Longest retry backoff', 900, 0, 43_200),
  DELIVERY_LEASE_SECONDS: integer('service', 'How long a delivery attempt holds a message against a concurrent one', 120, 1, 43_200),
  SCHEDULE_LOOKAHEAD_SECONDS: integer('service', 'How far ahead a sweep queues messages (with an SQS delay); covers the time between sweeps', 90, 0, 900),
  SCHEDULE_RETRY_SECONDS: integer('service', 'When a sweep retries a scheduled message it could not queue', 120, 1, 3600),
  SCHEDULE_BUDGET_MS: integer('service', 'Longest a sweep runs', 45_000, 1000, 900_000),
  NODE_OPTIONS: optional('function', 'Node.js options (source-mapped stack traces); read by Node.js'),
  POWERTOOLS_SERVICE_NAME: optional('function', 'Service name in logs, metrics and traces; read by Powertools'),
  AWS_REGION: optional('runtime', 'AWS region of every client', 'us-east-1'),
  POSTHASTE_DYNAMODB_ENDPOINT: endpoint('DynamoDB'),
  POSTHASTE_SQS_ENDPOINT: endpoint('SQS'),
  POSTHASTE_SES_ENDPOINT: endpoint('SES'),
  POSTHASTE_S3_ENDPOINT: endpoint('S3'),
  POSTHASTE_SECRETSMANAGER_ENDPOINT: endpoint('Secrets Manager'),
  POSTHASTE_APIGATEWAY_ENDPOINT: endpoint('API Gateway'),
  POSTHASTE_USAGE_PLAN_ID: optional('local', 'Usage plan the keys tool registers new keys with (stack output UsagePlanId)'),
  PORT: integer('local', 'Port of the local API (`npm start`)', 3000, 0, 65_535),
  SMTP_PORT: port('local', 'Port of the local SMTP sink (`npm start`); unset, any free port'),
  POSTHASTE_DATA: optional('local', 'Folder of the local tables and saved queues (`npm start`)', '.posthaste'),
  POSTHASTE_REQUIRE_API_KEY: {
    ...optional('local', 'Set to 1, the local API requires API keys as the deployed one does (`npm start`)'),
    parse: (raw: string | undefined): boolean => raw === '1',
  },
  QUEUE_ARN: optional('local', 'ARN of the send queue, as the local deliver worker reports it', 'arn:aws:sqs:us-east-1:000000000000:posthaste-send'),
  WORKER_CONCURRENCY: integer('local', 'Batches the local deliver worker handles at once', 2, 1, 64),
  LOG_LEVEL: oneOf('local', 'Lowest level the local deliver worker logs', ['debug', 'info', 'warn', 'error'], 'warn'),
} satisfies Record<string, Variable>;

export type VariableName = keyof typeof VARIABLES;
type Spec<N extends VariableName> = (typeof VARIABLES)[N];

/** The variable that names each table. */
export const TABLE_VARIABLES = {
  messages: 'MESSAGES_TABLE',
  idempotency: 'IDEMPOTENCY_TABLE',
  feedback: 'FEEDBACK_TABLE',
  suppressions: 'SUPPRESSIONS_TABLE',
  apiKeys: 'API_KEYS_TABLE',
} as const satisfies Record<TableName, VariableName>;

/** What the client factories read: region and the local endpoint overrides. */
export const AWS_VARIABLES = [
  'AWS_REGION',
  'POSTHASTE_DYNAMODB_ENDPOINT',
  'POSTHASTE_SQS_ENDPOINT',
  'POSTHASTE_SES_ENDPOINT',
  'POSTHASTE_S3_ENDPOINT',
  'POSTHASTE_SECRETSMANAGER_ENDPOINT',
  'POSTHASTE_APIGATEWAY_ENDPOINT',
] as const satisfies readonly VariableName[];

/** What every Lambda function reads besides its own settings. */
const LAMBDA = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', ...AWS_VARIABLES] as const satisfies readonly VariableName[];

const DELIVER = [
  ...LAMBDA,
  'MESSAGES_TABLE',
  'SUPPRESSIONS_TABLE',
  'FEEDBACK_TABLE',
  'QUEUE_URL',
  'PAYLOAD_BUCKET',
  'TRANSPORT',
  'SES_CONFIGURATION_SET',
  'SES_MAX_SEND_RATE',
  'SMTP_URL',
  'SMTP_SECRET_ARN',
  'MAX_RECEIVE_COUNT',
  'DELIVER_CONCURRENCY',
  'RETRY_BASE_SECONDS',
  'RETRY_MAX_SECONDS',
  'DELIVERY_LEASE_SECONDS',
] as const satisfies readonly VariableName[];

/** The variables each function and tool reads. */
export const CONTRACTS = {
  api: [...LAMBDA, 'MESSAGES_TABLE', 'IDEMPOTENCY_TABLE', 'SUPPRESSIONS_TABLE', 'FEEDBACK_TABLE', 'QUEUE_URL', 'PAYLOAD_BUCKET', 'ALLOWED_SENDER_DOMAINS'],
  deliver: DELIVER,
  events: [...LAMBDA, 'MESSAGES_TABLE', 'FEEDBACK_TABLE', 'SUPPRESSIONS_TABLE'],
  scheduler: [...LAMBDA, 'MESSAGES_TABLE', 'QUEUE_URL', 'PAYLOAD_BUCKET', 'SCHEDULE_LOOKAHEAD_SECONDS', 'SCHEDULE_RETRY_SECONDS', 'SCHEDULE_BUDGET_MS'],
  authorizer: [...LAMBDA, 'API_KEYS_TABLE'],
  /** `posthaste keys` (cli/keys.ts): the table may come from --table, the plan from --usage-plan. */
  keys: [...AWS_VARIABLES, 'API_KEYS_TABLE', 'POSTHASTE_USAGE_PLAN_ID'],
  /** `posthaste dlq redrive` (cli/dlq.ts). */
  dlq: [...AWS_VARIABLES, 'QUEUE_URL', 'DLQ_URL', 'MESSAGES_TABLE'],
  /** The deliver function as a local process (local/deliver-worker.ts, the chaos suite). */
  deliverWorker: [...DELIVER, 'QUEUE_ARN', 'WORKER_CONCURRENCY', 'LOG_LEVEL'],
  /** `npm start` (local/start.ts); the functions it runs read their own. */
  start: ['TRANSPORT', 'SMTP_URL', 'PORT', 'SMTP_PORT', 'POSTHASTE_DATA', 'POSTHASTE_REQUIRE_API_KEY'],
} as const satisfies Record<string, readonly VariableName[]>;

export type Reader = keyof typeof CONTRACTS;
/** The Lambda functions among the readers. */
export type LambdaFunction = Exclude<Reader, 'keys' | 'dlq' | 'start' | 'deliverWorker'>;

type Parsed<N extends VariableName> = ReturnType<Spec<N>['parse']>;
export type Settings<R extends Reader> = { [N in (typeof CONTRACTS)[R][number]]: Parsed<N> };

/** Reads and checks a reader's variables; the first one that breaks its rule throws ConfigError. */
export function readSettings<R extends Reader>(reader: R, env: Env): Settings<R> {
  return readVariables(CONTRACTS[reader], env) as Settings<R>;
}

export function readVariables<const N extends VariableName>(names: readonly N[], env: Env): { [K in N]: Parsed<K> } {
  const settings: Record<string, unknown> = {};
  for (const name of names) settings[name] = VARIABLES[name].parse(env[name], name);
  return settings as { [K in N]: Parsed<K> };
}

/** A value as a stack or local run gives it; undefined leaves the variable unset. */
type Value = string | number | undefined;
type Of<R extends Reader, S extends Scope, Req extends boolean> = {
  [N in (typeof CONTRACTS)[R][number]]: Spec<N>['scope'] extends S ? (Spec<N>['required'] extends Req ? N : never) : never;
}[(typeof CONTRACTS)[R][number]];

/** What the service stack sets for one function: each required variable, any optional one. */
export type StackValues<F extends LambdaFunction> = { [N in Of<F, 'service', true>]: Exclude<Value, undefined> } & { [N in Of<F, 'service', false>]?: Value };

/** A function's Lambda `environment` from typed values; unset ones are left out. */
export function stackEnvironment<F extends LambdaFunction>(_fn: F, values: StackValues<F>): Record<string, string> {
  return environmentValues(values as Partial<Record<VariableName, Value>>);
}

/** What the function construct sets on every function. */
export function functionDefaults(serviceName: string): Record<string, string> {
  return environmentValues({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: serviceName });
}

/** An environment from typed values (any known variable), e.g. the local runner's shared one. */
export function environmentValues(values: Partial<Record<VariableName, Value>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])));
}

/** Every table variable, from the tables' names (the local runner's, a bench's). */
export function tableEnvironment(names: Record<TableName, string>): Record<string, string> {
  return environmentValues(Object.fromEntries(Object.entries(TABLE_VARIABLES).map(([table, variable]) => [variable, names[table as TableName]])));
}
