/**
 * `npm start`: the whole pipeline on this machine, no AWS account and no Docker.
 * Environment: PORT (API, default 3000), SMTP_URL (deliver through a real relay instead of
 * the local sink), POSTHASTE_DATA (data folder, default .posthaste).
 */
import { resolve } from 'node:path';
import { redactSmtpUrl } from '../functions/adapters/smtp-config.js';
import { startPipeline } from './pipeline.js';

const dataDir = resolve(process.env.POSTHASTE_DATA ?? '.posthaste');
const outbox = resolve(dataDir, 'outbox');
const started = Date.now();
const pipeline = await startPipeline({
  dataDir,
  outbox,
  apiPort: Number(process.env.PORT ?? 3000),
  ...(process.env.SMTP_URL ? { smtpUrl: process.env.SMTP_URL } : {}),
  ...(process.env.SMTP_PORT ? { smtpPort: Number(process.env.SMTP_PORT) } : {}),
});

const example = JSON.stringify({
  from: 'Posthaste <hello@example.com>',
  to: 'you@example.com',
  subject: 'Hello from Posthaste',
  text: 'It works.',
  html: '<p>It <b>works</b>.</p>',
});
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
  delivery  ${process.env.SMTP_URL ? `relay ${redactSmtpUrl(process.env.SMTP_URL)}` : `local SMTP sink on 127.0.0.1:${pipeline.sink?.port} -> ${outbox}`}
  data      ${dataDir}

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
