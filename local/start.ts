/**
 * `npm start`: the whole pipeline on this machine, no AWS account and no Docker.
 * Environment: PORT (API, default 3000), TRANSPORT (smtp, the default, or ses: the local SES
 * stand-in), SMTP_URL (deliver through a real relay instead of the local sink),
 * POSTHASTE_DATA (data folder, default .posthaste), POSTHASTE_REQUIRE_API_KEY=1 (keys as in AWS).
 * A setting that is wrong or a port in use ends the start with one line and exit code 2.
 */
import { resolve } from 'node:path';
import { ConfigError, oneOf } from '../functions/adapters/env.js';
import { redactSmtpUrl, SmtpConfigError } from '../functions/adapters/smtp-config.js';
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

const dataDir = resolve(process.env.POSTHASTE_DATA ?? '.posthaste');
const outbox = resolve(dataDir, 'outbox');
const started = Date.now();
const requireApiKeys = process.env.POSTHASTE_REQUIRE_API_KEY === '1';
let pipeline: Pipeline;
let apiKey: string | undefined;
try {
  const transport = oneOf(process.env, 'TRANSPORT', ['smtp', 'ses'] as const, 'smtp');
  if (transport === 'ses' && process.env.SMTP_URL) throw new ConfigError('SMTP_URL applies to TRANSPORT=smtp only');
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, not ${process.env.PORT}`);
  pipeline = await startPipeline({
    dataDir,
    outbox,
    apiPort: port,
    // Off by default so the printed curl works as it is; on, requests need a key as in AWS.
    requireApiKeys,
    transport,
    ...(process.env.ALLOWED_SENDER_DOMAINS ? { allowedSenderDomains: process.env.ALLOWED_SENDER_DOMAINS } : {}),
    allowedOrigins: (process.env.POSTHASTE_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    ...(process.env.SMTP_URL ? { smtpUrl: process.env.SMTP_URL } : {}),
    ...(process.env.SMTP_PORT ? { smtpPort: Number(process.env.SMTP_PORT) } : {}),
  });
  if (requireApiKeys) apiKey = await localApiKey(pipeline, dataDir);
} catch (error) {
  const problem = startupProblem(error);
  if (problem === undefined) throw error;
  console.error(`posthaste: ${problem}`);
  process.exit(2);
}

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
  POSTHASTE_SQS_ENDPOINT: pipeline.aws.endpoints?.sqs,
  POSTHASTE_DYNAMODB_ENDPOINT: pipeline.aws.endpoints?.dynamodb,
})
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
console.log(`
Posthaste is running locally (started in ${Date.now() - started} ms)

  API       ${pipeline.apiUrl}/v1/emails
  delivery  ${
    pipeline.ses
      ? `SES API of the local stand-in ${pipeline.ses.url} (open it to see what it received)`
      : process.env.SMTP_URL
        ? `relay ${redactSmtpUrl(process.env.SMTP_URL)}`
        : `local SMTP sink on 127.0.0.1:${pipeline.sink?.port} -> ${outbox}`
  }
  data      ${dataDir}
  simulator mail to bounce@, complaint@, success@, ooto@ or suppressionlist@simulator.amazonses.com
            produces the SES notifications; see ${pipeline.apiUrl}/v1/suppressions

Send one:

  curl -s ${pipeline.apiUrl}/v1/emails -H 'content-type: application/json'${auth} -d '${example}'

Then: curl -s${auth} ${pipeline.apiUrl}/v1/emails/<id>     Ctrl-C stops everything.${keyNote}

CLI:  export POSTHASTE_URL=${pipeline.apiUrl}; npx posthaste --help
      for \`npx posthaste dlq redrive\` also: export ${cliEnv}
`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await pipeline.stop();
  console.log('stopped; data kept in', dataDir);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
