/**
 * `npm start`: the whole pipeline on this machine, no AWS account and no Docker.
 * Environment: the `start` contract in functions/compose/environment.ts (PORT, TRANSPORT,
 * SMTP_URL, SMTP_PORT, POSTHASTE_DATA, POSTHASTE_REQUIRE_API_KEY).
 */
import { resolve } from 'node:path';
import { redactSmtpUrl } from '../functions/adapters/smtp-config.js';
import { ConfigError, environmentValues, readSettings, TABLE_VARIABLES } from '../functions/compose/environment.js';
import { startPipeline } from './pipeline.js';

const settings = readSettings('start', process.env);
const transport = settings.TRANSPORT;
if (transport === 'ses' && settings.SMTP_URL) throw new ConfigError('SMTP_URL applies to TRANSPORT=smtp only');

const dataDir = resolve(settings.POSTHASTE_DATA ?? '.posthaste');
const outbox = resolve(dataDir, 'outbox');
const started = Date.now();
const pipeline = await startPipeline({
  dataDir,
  outbox,
  apiPort: settings.PORT,
  // Off by default so the printed curl works as it is; on, requests need a key as in AWS.
  requireApiKeys: settings.POSTHASTE_REQUIRE_API_KEY,
  transport,
  ...(settings.SMTP_URL ? { smtpUrl: settings.SMTP_URL } : {}),
  ...(settings.SMTP_PORT !== undefined ? { smtpPort: settings.SMTP_PORT } : {}),
});

const example = JSON.stringify({
  from: 'Posthaste <hello@example.com>',
  to: 'you@example.com',
  subject: 'Hello from Posthaste',
  text: 'It works.',
  html: '<p>It <b>works</b>.</p>',
});
const cliEnv = Object.entries(
  environmentValues({
    QUEUE_URL: pipeline.queueUrl,
    DLQ_URL: pipeline.dlqUrl,
    MESSAGES_TABLE: pipeline.env[TABLE_VARIABLES.messages],
    POSTHASTE_SQS_ENDPOINT: pipeline.aws.endpoints?.sqs,
    POSTHASTE_DYNAMODB_ENDPOINT: pipeline.aws.endpoints?.dynamodb,
  }),
)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
console.log(`
Posthaste is running locally (started in ${Date.now() - started} ms)

  API       ${pipeline.apiUrl}/v1/emails
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

Send one:

  curl -s ${pipeline.apiUrl}/v1/emails -H 'content-type: application/json' -d '${example}'

Then: curl -s ${pipeline.apiUrl}/v1/emails/<id>     Ctrl-C stops everything.

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
