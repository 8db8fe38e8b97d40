/**
 * `npm start`: the whole pipeline on this machine, no AWS account and no Docker.
 * Environment (LOCAL_ENVIRONMENTS.start in functions/compose/environment.ts): PORT (API,
 * default 3000), TRANSPORT (smtp, the default, or ses: the local SES stand-in), SMTP_URL
 * (deliver through a real relay instead of the local sink), SMTP_PORT, POSTHASTE_DATA (data
 * folder, default .posthaste), POSTHASTE_REQUIRE_API_KEY=1 (keys as in AWS),
 * POSTHASTE_ALLOWED_ORIGINS, ALLOWED_SENDER_DOMAINS.
 * A setting that is wrong or a port in use ends the start with one line and exit code 2.
 */
import { resolve } from 'node:path';
import { redactSmtpUrl, SmtpConfigError } from '../functions/adapters/smtp-config.js';
import { ConfigError } from '../functions/compose/env.js';
import { type EnvironmentValues, LOCAL_ENVIRONMENTS, readEnvironment, type Settings } from '../functions/compose/environment.js';
import { localApiKey } from './local-api-key.js';
import { type Pipeline, startPipeline } from './pipeline.js';

/** A startup failure the operator can fix from its message alone: no stack trace. */
function startupProblem(error: unknown): string | undefined {
  if (error instanceof ConfigError || error instanceof SmtpConfigError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return `port ${(error as { port?: number }).port ?? process.env.PORT ?? 3000} is in use: stop what listens there or set PORT`;
  if (code === 'EACCES') return `no permission to listen on port ${process.env.PORT ?? 3000}: set PORT to 1024 or above`;
  return undefined;
}

// Handlers first: a Ctrl-C that arrives while the pipeline is still starting stops it cleanly too.
let stopping = false;
let pipelineStarted: Pipeline | undefined;
let keptIn: string | undefined;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await pipelineStarted?.stop();
  console.log('stopped; data kept in', keptIn ?? 'nothing (it had not started)');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const started = Date.now();
let settings: Settings<typeof LOCAL_ENVIRONMENTS.start>;
let dataDir: string;
let pipeline: Pipeline;
let apiKey: string | undefined;
try {
  settings = readEnvironment(LOCAL_ENVIRONMENTS.start, process.env);
  if (settings.TRANSPORT === 'ses' && settings.SMTP_URL) throw new ConfigError('SMTP_URL applies to TRANSPORT=smtp only');
  dataDir = resolve(settings.POSTHASTE_DATA);
  pipeline = await startPipeline({
    dataDir,
    outbox: resolve(dataDir, 'outbox'),
    ...(settings.PORT !== undefined ? { apiPort: settings.PORT } : {}),
    // Off by default so the printed curl works as it is; on, requests need a key as in AWS.
    requireApiKeys: settings.POSTHASTE_REQUIRE_API_KEY,
    transport: settings.TRANSPORT,
    ...(settings.ALLOWED_SENDER_DOMAINS ? { allowedSenderDomains: settings.ALLOWED_SENDER_DOMAINS } : {}),
    allowedOrigins: settings.POSTHASTE_ALLOWED_ORIGINS,
    ...(settings.SMTP_URL ? { smtpUrl: settings.SMTP_URL } : {}),
    ...(settings.SMTP_PORT !== undefined ? { smtpPort: settings.SMTP_PORT } : {}),
    console: true,
  });
  pipelineStarted = pipeline;
  keptIn = dataDir;
  if (settings.POSTHASTE_REQUIRE_API_KEY) apiKey = await localApiKey(pipeline, dataDir);
} catch (error) {
  const problem = startupProblem(error);
  if (problem === undefined) throw error;
  console.error(`posthaste: ${problem}`);
  process.exit(2);
}

const outbox = resolve(dataDir, 'outbox');
const example = JSON.stringify({
  from: 'Posthaste <hello@example.com>',
  to: 'you@example.com',
  subject: 'Hello from Posthaste',
  text: 'It works.',
  html: '<p>It <b>works</b>.</p>',
});
// With keys required, the banner's commands carry a key of this data folder's own (kept in it).
const auth = apiKey ? ` -H 'authorization: Bearer ${apiKey}'` : '';
const keyNote = apiKey ? `\n\nAPI key   ${apiKey} (kept in ${dataDir}/api-key; more with: npm run keys -- create --name <name>)` : '';
const cliEnv = Object.entries({
  QUEUE_URL: pipeline.queueUrl,
  DLQ_URL: pipeline.dlqUrl,
  MESSAGES_TABLE: pipeline.env.MESSAGES_TABLE,
  POSTHASTE_SQS_ENDPOINT: pipeline.env.POSTHASTE_SQS_ENDPOINT,
  POSTHASTE_DYNAMODB_ENDPOINT: pipeline.env.POSTHASTE_DYNAMODB_ENDPOINT,
} satisfies EnvironmentValues)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
console.log(`
Posthaste is running locally (started in ${Date.now() - started} ms)

  API       ${pipeline.apiUrl}/v1/emails
  console   ${pipeline.consoleUrl} (the email log, bounces, suppressions, webhooks)
  delivery  ${
    pipeline.ses
      ? `SES API of the local stand-in ${pipeline.ses.url} (open it to see what it received)`
      : settings.SMTP_URL
        ? `relay ${redactSmtpUrl(settings.SMTP_URL)}`
        : `local SMTP sink on 127.0.0.1:${pipeline.sink?.port} -> ${outbox}`
  }
  data      ${dataDir}
  simulator mail to bounce@, complaint@, success@, ooto@ or suppressionlist@simulator.amazonses.com
            produces the SES notifications; see ${pipeline.apiUrl}/v1/suppressions
  webhooks  ${pipeline.apiUrl}/v1/webhooks (retries after seconds here); try: npx posthaste webhooks listen

Send one:

  curl -s ${pipeline.apiUrl}/v1/emails -H 'content-type: application/json'${auth} -d '${example}'

Then: curl -s${auth} ${pipeline.apiUrl}/v1/emails/<id>     Ctrl-C stops everything.${keyNote}

CLI:  export POSTHASTE_URL=${pipeline.apiUrl}; npx posthaste --help
      for \`npx posthaste dlq redrive\` also: export ${cliEnv}
`);
