/**
 * `npm run bench`: Posthaste against well-known baselines on the same work, as ratios.
 *   --json          print one JSON object (progress goes to stderr)
 *   --only=a,b      run some sections: deliver, mime, webhooks, accept, templates, bundles, email-log
 * Rewrites bench/RESULTS.md unless --only is given. Never part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '../test/helpers/certificate.js';
import { benchAccept } from './accept.js';
import { benchBundles } from './bundles.js';
import { benchDeliver, benchDeliverIrreducible, type DeliverSetup } from './deliver.js';
import { benchEmailLog } from './email-log.js';
import { startChild } from './lib/child.js';
import { round } from './lib/stats.js';
import { benchMime, MIME_MESSAGES } from './mime.js';
import { type BenchResults, closingNotes, resultsMarkdown, summaryRows, textTable } from './report.js';
import { benchTemplates } from './templates.js';
import { benchWebhooks } from './webhooks.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const runs = (section: string) => !only || only.includes(section);
const progress = (message: string) => (json ? process.stderr : process.stdout).write(`${message}\n`);

const started = Date.now();
const results: BenchResults = {
  machine: {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${platform()} ${process.arch}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load_before: round(loadavg()[0]!, 2),
    load_after: 0,
    seconds: 0,
  },
};

if (runs('mime')) {
  for (const [key, message] of Object.entries(MIME_MESSAGES) as [keyof typeof MIME_MESSAGES, (typeof MIME_MESSAGES)[keyof typeof MIME_MESSAGES]][]) {
    progress(`${key}…`);
    const { differences: _d, ...result } = await benchMime(message, { rounds: 5, roundMs: 600 });
    results[key] = result;
  }
}

if (runs('deliver')) {
  const cert = selfSignedCertificate();
  const user = 'bench';
  const pass = `p-${process.pid}`;
  const smtp = await startChild<{ plainPort: number; tlsPort: number }>('smtp-discard.ts', [user, pass], {
    BENCH_TLS_KEY: cert.key,
    BENCH_TLS_CERT: cert.cert,
  });
  const dynamo = await startChild<{ endpoint: string }>('dynamodb.ts');
  const sqs = await startChild<{ endpoint: string; webhookQueueUrl: string }>('sqs.ts');
  try {
    const base: Omit<DeliverSetup, 'smtpUrl'> = {
      dynamoEndpoint: dynamo.info.endpoint,
      dynamoPid: dynamo.process.pid,
      sqsEndpoint: sqs.info.endpoint,
      webhookQueueUrl: sqs.info.webhookQueueUrl,
      messages: 2000,
      rounds: 3,
      batchesInFlight: 1,
    };
    const plain = `smtp://127.0.0.1:${smtp.info.plainPort}?tls=none&pool=5`;
    progress('deliver…');
    results.deliver = await benchDeliver({ ...base, smtpUrl: plain });
    progress('deliver against its irreducible work…');
    results.deliver_irreducible = await benchDeliverIrreducible({ ...base, smtpUrl: plain });
    progress('deliver_tls…');
    results.deliver_tls = await benchDeliver({ ...base, smtpUrl: `smtp://${user}:${pass}@127.0.0.1:${smtp.info.tlsPort}?pool=5`, ca: cert.cert });
    progress('deliver with the store in memory…');
    results.deliver_memory_store = await benchDeliver({ ...base, smtpUrl: plain, memoryStore: true, rounds: 5 });
  } finally {
    await smtp.stop();
    await dynamo.stop();
    await sqs.stop();
  }
}

if (runs('webhooks')) {
  const receiver = await startChild<{ url: string }>('webhook-receiver.ts');
  const dynamo = await startChild<{ endpoint: string }>('dynamodb.ts');
  try {
    progress('webhook dispatch…');
    results.webhook_dispatch = await benchWebhooks({ receiverUrl: receiver.info.url, dynamoEndpoint: dynamo.info.endpoint, events: 1000, rounds: 3 });
  } finally {
    await receiver.stop();
    await dynamo.stop();
  }
}

if (runs('accept')) {
  progress('accept (10 s under load)…');
  results.accept = await benchAccept({ seconds: 10, connections: 10 });
}

if (runs('templates')) {
  progress('templates…');
  results.templates = await benchTemplates({ rounds: 9, roundMs: 600 });
}

if (runs('bundles')) {
  progress('bundles…');
  const bundles = await benchBundles({ imports: 20 });
  results.bundles = bundles.functions;
  results.bundles_skipped = bundles.skipped;
  results.empty_import_ms = bundles.empty_import_ms;
  results.empty_init_ms = bundles.empty_init_ms;
}

if (runs('email-log')) {
  progress('email-log listing (100,000 messages)…');
  results.email_log = await benchEmailLog({ messages: 100_000, rounds: 7 });
}

results.machine.load_after = round(loadavg()[0]!, 2);
results.machine.seconds = Math.round((Date.now() - started) / 1000);

if (!only) {
  const file = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
  writeFileSync(file, resultsMarkdown(results, closingNotes(results)));
  // The lint checks Markdown too: the file is written as the formatter would write it.
  const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
  const formatted = spawnSync(biome, ['format', '--write', file], { encoding: 'utf8' });
  if (formatted.status !== 0) throw new Error(`biome could not format ${file}: ${formatted.stderr}`);
}
if (json) {
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
  progress(`\n${textTable(summaryRows(results))}\n\n${closingNotes(results)}\n`);
  progress(
    `${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}; load ${results.machine.load_before} → ${results.machine.load_after}; ${results.machine.seconds} s${only ? '' : '; wrote bench/RESULTS.md'}`,
  );
}
process.exit(0);
