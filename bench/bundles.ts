/**
 * Cold start: each function bundled as the CDK bundles it (infra/bundling.ts), against a
 * bundle of only the AWS SDK clients it uses: bytes, and the median time to import it in
 * fresh Node processes. The metafile says what each bundle carries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { TABLE_VARIABLES } from '../functions/compose/environment.js';
import { ESBUILD_OPTIONS, FUNCTION_ENTRIES, type FunctionName } from '../infra/bundling.js';
import { median, round } from './lib/stats.js';

const ROOT = resolve(import.meta.dirname, '..');

/** Libraries a function must not carry: what another function (or another transport) needs. */
export const MUST_NOT_CARRY: Partial<Record<FunctionName, string[]>> = {
  api: ['nodemailer', 'mimetext', 'mime-types', '@aws-sdk/client-ses', '@aws-sdk/client-sesv2', '@aws-sdk/client-secrets-manager'],
  deliver: ['@aws-lambda-powertools/idempotency'],
  events: ['nodemailer', 'mimetext', 'mime-types', '@aws-lambda-powertools/idempotency', '@aws-sdk/client-ses', '@aws-sdk/client-sesv2', '@aws-sdk/client-sqs'],
  scheduler: ['nodemailer', 'mimetext', 'mime-types', '@aws-lambda-powertools/idempotency', '@aws-sdk/client-ses', '@aws-sdk/client-sesv2'],
  authorizer: [
    'nodemailer',
    'mimetext',
    'mime-types',
    '@aws-lambda-powertools/idempotency',
    '@aws-sdk/client-sqs',
    '@aws-sdk/client-ses',
    '@aws-sdk/client-sesv2',
  ],
};

export interface BundleResult {
  bytes: number;
  clients_only_bytes: number;
  bytes_ratio: number;
  import_ms: number;
  clients_only_import_ms: number;
  import_ratio: number;
  clients: string[];
  /** The largest packages in the bundle, KB as minified output. */
  largest: Record<string, number>;
  /** Packages from MUST_NOT_CARRY found in the bundle. */
  unexpected: string[];
}

export interface BundlesResult {
  functions: Partial<Record<FunctionName, BundleResult>>;
  /** Entries in FUNCTION_ENTRIES whose handler does not exist yet. */
  skipped: string[];
  empty_import_ms: number;
}

/** The settings a handler reads at import (fail-fast config); dummy values, loopback SMTP. */
export const IMPORT_ENV: Record<string, string> = {
  ...Object.fromEntries(Object.values(TABLE_VARIABLES).map((name) => [name, `bench-${name.toLowerCase()}`])),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/posthaste-send',
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/posthaste-send-dlq',
  TRANSPORT: 'smtp',
  SMTP_URL: 'smtp://127.0.0.1:2525?tls=none',
  SES_CONFIGURATION_SET: 'posthaste',
  ALLOWED_SENDER_DOMAINS: 'example.com',
  PAYLOAD_BUCKET: 'bench-payloads',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

function outputOf(metafile: Metafile) {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('esbuild produced no entry output');
  return output;
}

/** The SDK client packages in a bundle, with the command classes of each that it carries. */
function sdkClients(metafile: Metafile): Map<string, string[]> {
  const clients = new Map<string, Set<string>>();
  for (const file of Object.keys(outputOf(metafile).inputs)) {
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
  const commands = packages.flatMap((pkg, i) => clients.get(pkg)!.map((c) => `sdk${i}.${c}`));
  lines.push(`export const clients = [${made.join(', ')}];`, `export const commands = [${commands.join(', ')}];`);
  return lines.join('\n');
}

async function bundle(options: { entry: string } | { source: string }, outfile: string): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    ...('entry' in options ? { entryPoints: [join(ROOT, options.entry)] } : { stdin: { contents: options.source, resolveDir: ROOT, loader: 'js' as const } }),
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return { bytes: outputOf(result.metafile).bytes, metafile: result.metafile };
}

/** Milliseconds to import `file` in a fresh Node process, measured inside that process. */
function importMs(timer: string, file: string): number {
  const out = spawnSync(process.execPath, [timer, file], { env: { ...process.env, ...IMPORT_ENV }, encoding: 'utf8' });
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

export async function benchBundles(options: { imports: number }): Promise<BundlesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'posthaste-bench-bundles-'));
  const timer = join(dir, 'import-timer.mjs');
  writeFileSync(timer, 'const t = performance.now(); await import(process.argv[2]); process.stdout.write(String(performance.now() - t)); process.exit(0);\n');
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const result: BundlesResult = { functions: {}, skipped: [], empty_import_ms: 0 };
  const emptyTimes: number[] = [];

  for (const [name, entry] of Object.entries(FUNCTION_ENTRIES) as [FunctionName, string][]) {
    if (!existsSync(join(ROOT, entry))) {
      result.skipped.push(`${name} (${entry} does not exist yet)`);
      continue;
    }
    const fn = await bundle({ entry }, join(dir, name, 'index.mjs'));
    const clients = sdkClients(fn.metafile);
    const only = await bundle({ source: clientsOnlySource(clients) }, join(dir, `${name}-clients-only`, 'index.mjs'));
    const fnTimes: number[] = [];
    const onlyTimes: number[] = [];
    for (let i = 0; i < options.imports; i++) {
      // Alternate so both see the same machine, file cache and neighbours.
      fnTimes.push(importMs(timer, join(dir, name, 'index.mjs')));
      onlyTimes.push(importMs(timer, join(dir, `${name}-clients-only`, 'index.mjs')));
      emptyTimes.push(importMs(timer, empty));
    }
    const byPackage = new Map<string, number>();
    for (const [file, input] of Object.entries(outputOf(fn.metafile).inputs)) {
      const pkg = packageOf(file) ?? file.split('/').slice(0, 2).join('/');
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
    const largest = Object.fromEntries(
      [...byPackage]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([pkg, bytes]) => [pkg, Math.round(bytes / 1024)]),
    );
    const importMedian = median(fnTimes);
    const onlyMedian = median(onlyTimes);
    result.functions[name] = {
      bytes: fn.bytes,
      clients_only_bytes: only.bytes,
      bytes_ratio: round(fn.bytes / only.bytes),
      import_ms: round(importMedian),
      clients_only_import_ms: round(onlyMedian),
      import_ratio: round(importMedian / onlyMedian),
      clients: [...clients.keys()],
      largest,
      unexpected: (MUST_NOT_CARRY[name] ?? []).filter((pkg) => byPackage.has(pkg)),
    };
  }
  result.empty_import_ms = round(median(emptyTimes));
  rmSync(dir, { recursive: true, force: true });
  return result;
}
