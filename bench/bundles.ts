/**
 * Cold start: each function bundled as the CDK bundles it (infra/bundling.ts, split into
 * chunks), against a bundle of only the AWS SDK clients it uses: the bytes Node loads at
 * import (every file a module hook sees loaded: index.mjs, its static chunks, and for deliver
 * the configured transport's chunks), and the median time to import it in fresh Node
 * processes. Deliver is measured once per transport. The metafile says what each loaded file
 * carries.
 *
 * Every process gets the function's environment as the synthesized stack sets it
 * (NODE_OPTIONS included) plus what Lambda adds (region, credentials), so the import runs
 * the module's top-level setup as Lambda's init does; the SMTP deployment's secret comes
 * from a loopback Secrets Manager stub. `init_ms` is Lambda's view of that: from the
 * process's start until the handler is exported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundleFunction, ESBUILD_OPTIONS, FUNCTION_ENTRIES, type FunctionName } from '../infra/bundling.js';
import { synthesizedEnvironments } from '../test/infra/synth.js';
import { startChild } from './lib/child.js';
import { loadedFiles } from './lib/loaded.js';
import { median, round } from './lib/stats.js';

const ROOT = resolve(import.meta.dirname, '..');

/** What is measured: each function, and deliver once per transport. */
export type BundleVariant = Exclude<FunctionName, 'deliver'> | 'deliver-ses' | 'deliver-smtp';

/** The two deployments a function's environment is synthesized from: SES (the default) and SMTP with its secret. */
const SMTP_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:posthaste/smtp-AbCdEf';
const DEPLOYMENTS = { ses: {}, smtp: { transport: 'smtp', smtpSecretArn: SMTP_SECRET_ARN } };

const VARIANTS: { variant: BundleVariant; fn: FunctionName; deployment: keyof typeof DEPLOYMENTS }[] = [
  { variant: 'api', fn: 'api', deployment: 'ses' },
  { variant: 'deliver-ses', fn: 'deliver', deployment: 'ses' },
  { variant: 'deliver-smtp', fn: 'deliver', deployment: 'smtp' },
  { variant: 'events', fn: 'events', deployment: 'ses' },
  { variant: 'authorizer', fn: 'authorizer', deployment: 'ses' },
  { variant: 'scheduler', fn: 'scheduler', deployment: 'ses' },
  { variant: 'dispatcher', fn: 'dispatcher', deployment: 'ses' },
];

const ANY_TRANSPORT = ['nodemailer', 'mimetext', 'mime-types', '@aws-sdk/client-ses', '@aws-sdk/client-sesv2', '@aws-sdk/client-secrets-manager'];

/** Libraries a function must not load: what another function (or another transport) needs. */
export const MUST_NOT_CARRY: Partial<Record<BundleVariant, string[]>> = {
  api: ANY_TRANSPORT,
  'deliver-ses': ['@aws-lambda-powertools/idempotency', 'nodemailer', '@aws-sdk/client-secrets-manager'],
  'deliver-smtp': ['@aws-lambda-powertools/idempotency', '@aws-sdk/client-ses', '@aws-sdk/client-sesv2'],
  events: [...ANY_TRANSPORT, '@aws-lambda-powertools/idempotency'],
  scheduler: [...ANY_TRANSPORT, '@aws-lambda-powertools/idempotency'],
  authorizer: [...ANY_TRANSPORT, '@aws-lambda-powertools/idempotency', '@aws-sdk/client-sqs'],
  dispatcher: [...ANY_TRANSPORT, '@aws-lambda-powertools/idempotency'],
};

export interface BundleResult {
  /** Bytes Node loads at import, as the module hook recorded them (index.mjs, its chunks, the configured transport and what it imports). */
  bytes: number;
  /** Every output file of the function, chunks loaded on other paths included. */
  all_bytes: number;
  clients_only_bytes: number;
  bytes_ratio: number;
  import_ms: number;
  clients_only_import_ms: number;
  import_ratio: number;
  /** Process start to handler exported, in a fresh process with the synthesized environment (Lambda's init, less the runtime's own bootstrap). */
  init_ms: number;
  clients: string[];
  /** The largest packages in the bundle, KB as minified output. */
  largest: Record<string, number>;
  /** Packages from MUST_NOT_CARRY found in the bundle. */
  unexpected: string[];
}

export interface BundlesResult {
  functions: Partial<Record<BundleVariant, BundleResult>>;
  /** Entries in FUNCTION_ENTRIES whose handler does not exist yet. */
  skipped: string[];
  empty_import_ms: number;
  /** A fresh process importing an empty module: Node's own start, what no bundle can go below. */
  empty_init_ms: number;
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

function outputOf(metafile: Metafile) {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('esbuild produced no entry output');
  return output;
}

/**
 * The client packages in a bundle, with the command classes of each SDK client that it
 * carries. nodemailer counts as one: it is the SMTP deployment's client to its relay, as
 * the SES client is the SES deployment's.
 */
function sdkClients(inputs: string[]): Map<string, string[]> {
  const clients = new Map<string, Set<string>>();
  for (const file of inputs) {
    const pkg = packageOf(file);
    if (!pkg || !/^(@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)|nodemailer)$/.test(pkg)) continue;
    const commands = clients.get(pkg) ?? new Set<string>();
    const command = /\/commands\/(\w+Command)\.js$/.exec(file)?.[1];
    if (command) commands.add(command);
    clients.set(pkg, commands);
  }
  return new Map([...clients].map(([pkg, commands]) => [pkg, [...commands].sort()]));
}

/**
 * An entry that constructs each client the function uses and keeps the commands it carries.
 * With `readsSecret` it also reads the SMTP secret at the top level, as the SMTP deployment's
 * deliver function must at cold start (from the same stub).
 */
function clientsOnlySource(clients: Map<string, string[]>, readsSecret: boolean): string {
  const packages = [...clients.keys()];
  const lines = packages.map((pkg, i) => `import * as sdk${i} from '${pkg}';`);
  const made: string[] = [];
  packages.forEach((pkg, i) => {
    if (pkg === '@aws-sdk/lib-dynamodb') return;
    if (pkg === 'nodemailer') {
      lines.push(`const client${i} = sdk${i}.default.createTransport({ pool: true, host: '127.0.0.1', port: 9 });`);
      made.push(`client${i}`);
      return;
    }
    const className = readdirSync(join(ROOT, 'node_modules', pkg, 'dist-es'))
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
  const secrets = packages.indexOf('@aws-sdk/client-secrets-manager');
  if (readsSecret && secrets >= 0) {
    lines.push(
      `await new sdk${secrets}.SecretsManagerClient({ region: process.env.AWS_REGION, endpoint: process.env.POSTHASTE_SECRETSMANAGER_ENDPOINT, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }).send(new sdk${secrets}.GetSecretValueCommand({ SecretId: process.env.SMTP_SECRET_ARN }));`,
    );
  }
  const commands = packages.flatMap((pkg, i) => clients.get(pkg)!.map((c) => `sdk${i}.${c}`));
  lines.push(`export const clients = [${made.join(', ')}];`, `export const commands = [${commands.join(', ')}];`);
  return lines.join('\n');
}

/** The clients-only comparison: one file, nothing split off. */
async function bundleClientsOnly(source: string, outfile: string): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' as const },
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return { bytes: outputOf(result.metafile).bytes, metafile: result.metafile };
}

/** What Lambda sets itself; the synthesized environment has the rest. */
const RUNTIME_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_LAMBDA_FUNCTION_NAME: 'bench' };

interface Timing {
  /** The `import()` itself. */
  importMs: number;
  /** From the process's start (performance.timeOrigin) until the import settled. */
  initMs: number;
}

/** Imports `file` in a fresh Node process with only `env` (and PATH), timed inside that process. */
function timeImport(timer: string, file: string, env: Record<string, string>): Timing {
  const out = spawnSync(process.execPath, [timer, file], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  if (out.status !== 0)
    throw new Error(
      `importing ${file} failed: ${out.stderr
        .trim()
        .split('\n')
        .map((l) => l.slice(0, 200))
        .slice(-4)
        .join(' | ')}`,
    );
  const [importMs, initMs] = out.stdout.trim().split(' ').map(Number);
  return { importMs: importMs!, initMs: initMs! };
}

export async function benchBundles(options: { imports: number }): Promise<BundlesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'posthaste-bench-bundles-'));
  const timer = join(dir, 'import-timer.mjs');
  writeFileSync(
    timer,
    'const t = performance.now(); await import(process.argv[2]); const done = performance.now(); process.stdout.write(String(done - t) + " " + String(done)); process.exit(0);\n',
  );
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const result: BundlesResult = { functions: {}, skipped: [], empty_import_ms: 0, empty_init_ms: 0 };
  const emptyTimes: Timing[] = [];
  // The relay is never contacted: building the transport opens no connection.
  const secrets = await startChild<{ url: string }>('secrets-manager.ts', [SMTP_SECRET_ARN, JSON.stringify({ url: 'smtp://127.0.0.1:9?tls=none' })]);
  const synthesized = { ses: synthesizedEnvironments(DEPLOYMENTS.ses), smtp: synthesizedEnvironments(DEPLOYMENTS.smtp) };
  const envOf = (fn: FunctionName, deployment: keyof typeof DEPLOYMENTS): Record<string, string> => ({
    ...synthesized[deployment][fn],
    ...RUNTIME_ENV,
    ...(deployment === 'smtp' && fn === 'deliver' ? { POSTHASTE_SECRETSMANAGER_ENDPOINT: secrets.info.url } : {}),
  });

  const built = new Map<FunctionName, Awaited<ReturnType<typeof bundleFunction>>['metafile']>();
  for (const { variant, fn, deployment } of VARIANTS) {
    const env = envOf(fn, deployment);
    const entry = FUNCTION_ENTRIES[fn];
    if (!existsSync(join(ROOT, entry))) {
      result.skipped.push(`${variant} (${entry} does not exist yet)`);
      continue;
    }
    const metafile = built.get(fn) ?? (await bundleFunction(ROOT, fn, join(dir, fn))).metafile;
    built.set(fn, metafile);
    const { outputs } = metafile;
    const index = Object.keys(outputs).find((path) => path.endsWith('/index.mjs'))!;
    const indexFile = resolve(ROOT, index);
    const recorded = loadedFiles(indexFile, env);
    const loaded = Object.keys(outputs).filter((path) => recorded.files.includes(resolve(ROOT, path)));
    const inputs = [...loaded].flatMap((file) => Object.entries(outputs[file]!.inputs));
    const clients = sdkClients(inputs.map(([file]) => file));
    const only = await bundleClientsOnly(clientsOnlySource(clients, env.SMTP_SECRET_ARN !== undefined), join(dir, `${variant}-clients-only`, 'index.mjs'));
    const fnTimes: Timing[] = [];
    const onlyTimes: Timing[] = [];
    for (let i = 0; i < options.imports; i++) {
      // Alternate so both see the same machine, file cache and neighbours; the same environment (NODE_OPTIONS too).
      fnTimes.push(timeImport(timer, indexFile, env));
      onlyTimes.push(timeImport(timer, join(dir, `${variant}-clients-only`, 'index.mjs'), env));
      emptyTimes.push(timeImport(timer, empty, env));
    }
    const byPackage = new Map<string, number>();
    for (const [file, input] of inputs) {
      const pkg = packageOf(file) ?? file.split('/').slice(0, 2).join('/');
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
    const largest = Object.fromEntries(
      [...byPackage]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([pkg, bytes]) => [pkg, Math.round(bytes / 1024)]),
    );
    const { bytes } = recorded;
    const importMedian = median(fnTimes.map((t) => t.importMs));
    const onlyMedian = median(onlyTimes.map((t) => t.importMs));
    result.functions[variant] = {
      bytes,
      all_bytes: Object.entries(outputs).reduce((sum, [file, output]) => sum + (file.endsWith('.mjs') ? output.bytes : 0), 0),
      clients_only_bytes: only.bytes,
      bytes_ratio: round(bytes / only.bytes),
      import_ms: round(importMedian),
      clients_only_import_ms: round(onlyMedian),
      import_ratio: round(importMedian / onlyMedian),
      init_ms: round(median(fnTimes.map((t) => t.initMs))),
      clients: [...clients.keys()],
      largest,
      unexpected: (MUST_NOT_CARRY[variant] ?? []).filter((pkg) => byPackage.has(pkg)),
    };
  }
  result.empty_import_ms = round(median(emptyTimes.map((t) => t.importMs)));
  result.empty_init_ms = round(median(emptyTimes.map((t) => t.initMs)));
  await secrets.stop();
  rmSync(dir, { recursive: true, force: true });
  return result;
}
