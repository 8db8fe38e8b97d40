/**
 * Cold start: each function bundled as the CDK bundles it (infra/bundling.ts, code
 * splitting), against a bundle of only the AWS SDK clients it uses: the bytes it loads, and
 * the median time to import it in fresh Node processes. The deliver function is measured
 * once per transport: with splitting, each loads only its own transport's chunks.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { tableEnvironment } from '../functions/compose/environment.js';
import { buildOptionsFor, ENTRY_FILE, ESBUILD_OPTIONS, type FunctionName, PROJECT_ROOT } from '../infra/bundling.js';
import { loadedFiles, outputsOf, packageOf, packagesIn } from './lib/loaded.js';
import { median, round } from './lib/stats.js';

const TRANSPORT_PACKAGES = { smtp: ['nodemailer'], ses: ['@aws-sdk/client-ses', '@aws-sdk/client-sesv2'] };

/** What is measured: each function, and deliver once per transport. */
const TARGETS: { name: string; fn: FunctionName; env: Record<string, string>; mustNotCarry: string[] }[] = [
  {
    name: 'api',
    fn: 'api',
    env: {},
    mustNotCarry: ['nodemailer', 'mimetext', 'mime-types', '@aws-sdk/client-ses', '@aws-sdk/client-sesv2', '@aws-sdk/client-secrets-manager'],
  },
  // The local SMTP URL: a deployed stack reads the relay from Secrets Manager, whose client loads only then.
  { name: 'deliver (smtp)', fn: 'deliver', env: { TRANSPORT: 'smtp' }, mustNotCarry: ['@aws-lambda-powertools/idempotency', ...TRANSPORT_PACKAGES.ses] },
  {
    name: 'deliver (ses)',
    fn: 'deliver',
    env: { TRANSPORT: 'ses' },
    mustNotCarry: ['@aws-lambda-powertools/idempotency', ...TRANSPORT_PACKAGES.smtp, '@aws-sdk/client-secrets-manager'],
  },
  {
    name: 'events',
    fn: 'events',
    env: {},
    mustNotCarry: ['nodemailer', 'mimetext', 'mime-types', '@aws-lambda-powertools/idempotency', ...TRANSPORT_PACKAGES.ses, '@aws-sdk/client-sqs'],
  },
  {
    name: 'scheduler',
    fn: 'scheduler',
    env: {},
    mustNotCarry: ['nodemailer', 'mimetext', 'mime-types', '@aws-lambda-powertools/idempotency', ...TRANSPORT_PACKAGES.ses],
  },
  {
    name: 'authorizer',
    fn: 'authorizer',
    env: {},
    mustNotCarry: ['nodemailer', 'mimetext', 'mime-types', '@aws-lambda-powertools/idempotency', '@aws-sdk/client-sqs', ...TRANSPORT_PACKAGES.ses],
  },
];

export interface BundleResult {
  /** Code Lambda loads at cold start (the entry, its chunks, the dynamic imports it awaits). */
  bytes: number;
  /** All code the bundle holds, chunks nobody imports at cold start included. */
  bundle_bytes: number;
  clients_only_bytes: number;
  bytes_ratio: number;
  import_ms: number;
  clients_only_import_ms: number;
  import_ratio: number;
  clients: string[];
  /** The largest packages loaded, KB as minified output. */
  largest: Record<string, number>;
  /** Packages it must not carry (another function's or another transport's) found in what it loads. */
  unexpected: string[];
}

export interface BundlesResult {
  functions: Record<string, BundleResult>;
  empty_import_ms: number;
}

/** The settings a handler reads at import (fail-fast config); dummy values, loopback SMTP, a fixed SES rate. */
export const IMPORT_ENV: Record<string, string> = {
  ...tableEnvironment({
    messages: 'bench-messages',
    idempotency: 'bench-idempotency',
    feedback: 'bench-feedback',
    suppressions: 'bench-suppressions',
    apiKeys: 'bench-api-keys',
  }),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/posthaste-send',
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/posthaste-send-dlq',
  TRANSPORT: 'smtp',
  SMTP_URL: 'smtp://127.0.0.1:2525?tls=none',
  SES_CONFIGURATION_SET: 'posthaste',
  SES_MAX_SEND_RATE: '14',
  ALLOWED_SENDER_DOMAINS: 'example.com',
  PAYLOAD_BUCKET: 'bench-payloads',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

/** The SDK client packages in the loaded outputs, with the command classes of each that they carry. */
function sdkClients(metafile: Metafile, outdir: string, loaded: string[]): Map<string, string[]> {
  const clients = new Map<string, Set<string>>();
  const inputs = outputsOf(metafile, PROJECT_ROOT, outdir, loaded).flatMap((meta) => Object.keys(meta.inputs));
  for (const file of inputs) {
    const pkg = packageOf(file);
    if (!pkg || !/^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)$/.test(pkg)) continue;
    const commands = clients.get(pkg) ?? new Set<string>();
    const command = /\/commands\/(\w+Command)\.js$/.exec(file)?.[1];
    if (command) commands.add(command);
    clients.set(pkg, commands);
  }
  return new Map([...clients].map(([pkg, commands]) => [pkg, [...commands].sort()]));
}

/** An entry that constructs each client the function uses and keeps the commands it carries. */
function clientsOnlySource(clients: Map<string, string[]>): string {
  const packages = [...clients.keys()];
  const lines = packages.map((pkg, i) => `import * as sdk${i} from '${pkg}';`);
  const made: string[] = [];
  packages.forEach((pkg, i) => {
    if (pkg === '@aws-sdk/lib-dynamodb') return;
    const className = readdirSync(join(PROJECT_ROOT, 'node_modules', pkg, 'dist-es'))
      .map((f) => /^(\w+Client)\.js$/.exec(f)?.[1])
      .find(Boolean);
    if (!className) throw new Error(`no client class in ${pkg}`);
    lines.push(`const client${i} = new sdk${i}.${className}({ region: process.env.AWS_REGION });`);
    made.push(`client${i}`);
  });
  const document = packages.indexOf('@aws-sdk/lib-dynamodb');
  if (document >= 0) {
    const dynamo = packages.indexOf('@aws-sdk/client-dynamodb');
    lines.push(`const document = sdk${document}.DynamoDBDocumentClient.from(client${dynamo});`);
    made.push('document');
  }
  const commands = packages.flatMap((pkg, i) => clients.get(pkg)!.map((c) => `sdk${i}.${c}`));
  lines.push(`export const clients = [${made.join(', ')}];`, `export const commands = [${commands.join(', ')}];`);
  return lines.join('\n');
}

/** A function bundled into `outdir` exactly as the CDK bundles it. */
async function bundleFunction(fn: FunctionName, outdir: string): Promise<Metafile> {
  return (await build({ ...buildOptionsFor(fn, outdir), metafile: true, logLevel: 'silent' })).metafile;
}

/** The clients-only comparison: one file, resolved from the project, bundled with the same options but no chunks. */
async function bundleSource(source: string, outfile: string): Promise<number> {
  await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    splitting: false,
    stdin: { contents: source, resolveDir: PROJECT_ROOT, loader: 'js' },
    absWorkingDir: PROJECT_ROOT,
    outfile,
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

/** Milliseconds to import `file` in a fresh Node process, measured inside that process. */
function importMs(timer: string, file: string, env: Record<string, string>): number {
  const out = spawnSync(process.execPath, [timer, file], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (out.status !== 0)
    throw new Error(
      `importing ${file} failed: ${out.stderr
        .trim()
        .split('\n')
        .map((l) => l.slice(0, 200))
        .slice(-4)
        .join(' | ')}`,
    );
  return Number(out.stdout.trim());
}

const codeBytes = (dir: string): number =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mjs'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

export async function benchBundles(options: { imports: number }): Promise<BundlesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'posthaste-bench-bundles-'));
  const timer = join(dir, 'import-timer.mjs');
  writeFileSync(timer, 'const t = performance.now(); await import(process.argv[2]); process.stdout.write(String(performance.now() - t)); process.exit(0);\n');
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const result: BundlesResult = { functions: {}, empty_import_ms: 0 };
  const emptyTimes: number[] = [];
  const metafiles = new Map<FunctionName, Metafile>();

  for (const target of TARGETS) {
    const outdir = join(dir, target.fn);
    if (!metafiles.has(target.fn)) metafiles.set(target.fn, await bundleFunction(target.fn, outdir));
    const metafile = metafiles.get(target.fn)!;
    const env = { ...IMPORT_ENV, ...target.env };
    const entry = join(outdir, ENTRY_FILE);
    const loaded = loadedFiles(entry, outdir, env);
    const clients = sdkClients(metafile, outdir, loaded.files);
    const onlyDir = join(dir, `${target.fn}-${Object.values(target.env).join('-') || 'only'}-clients-only`);
    const onlyEntry = join(onlyDir, ENTRY_FILE);
    const onlyBytes = await bundleSource(clientsOnlySource(clients), onlyEntry);
    const fnTimes: number[] = [];
    const onlyTimes: number[] = [];
    for (let i = 0; i < options.imports; i++) {
      // Alternate so both see the same machine, file cache and neighbours.
      fnTimes.push(importMs(timer, entry, env));
      onlyTimes.push(importMs(timer, onlyEntry, env));
      emptyTimes.push(importMs(timer, empty, env));
    }
    const byPackage = packagesIn(metafile, PROJECT_ROOT, outdir, loaded.files);
    const largest = Object.fromEntries(
      [...byPackage]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([pkg, bytes]) => [pkg, Math.round(bytes / 1024)]),
    );
    const importMedian = median(fnTimes);
    const onlyMedian = median(onlyTimes);
    result.functions[target.name] = {
      bytes: loaded.bytes,
      bundle_bytes: codeBytes(outdir),
      clients_only_bytes: onlyBytes,
      bytes_ratio: round(loaded.bytes / onlyBytes),
      import_ms: round(importMedian),
      clients_only_import_ms: round(onlyMedian),
      import_ratio: round(importMedian / onlyMedian),
      clients: [...clients.keys()],
      largest,
      unexpected: target.mustNotCarry.filter((pkg) => byPackage.has(pkg)),
    };
  }
  result.empty_import_ms = round(median(emptyTimes));
  rmSync(dir, { recursive: true, force: true });
  return result;
}
