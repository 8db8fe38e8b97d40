import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadedFiles, packagesIn } from '../../bench/lib/loaded.js';
import { tableEnvironment } from '../../functions/compose/environment.js';
import { buildOptionsFor, ENTRY_FILE, PROJECT_ROOT } from '../../infra/bundling.js';
import { PosthasteFunction } from '../../infra/constructs/posthaste-function.js';

/** Real bundling (the local esbuild, no Docker) of one function through the construct, then a cold start of the bundle. */
let bundleDir: string;
const outdir = mkdtempSync(join(tmpdir(), 'posthaste-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
beforeAll(() => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundlingTest');
  new PosthasteFunction(stack, 'Authorizer', {
    name: 'authorizer',
    description: 'bundling test',
    environment: { API_KEYS_TABLE: 'keys' },
    timeout: Duration.seconds(5),
    logRetentionDays: 1,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const assembly = app.synth();
  // The function's code asset is named by its hash: `asset.<hash>` beside the template.
  const fn = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>).find(
    (r) => r.Type === 'AWS::Lambda::Function',
  )!;
  bundleDir = join(assembly.directory, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
});

describe('bundling', () => {
  it('builds an ES module with its source map, no Docker involved', () => {
    expect(existsSync(join(bundleDir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(bundleDir, 'index.mjs.map'))).toBe(true);
  });

  it('is minified and carries the createRequire banner', () => {
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __phCreateRequire } from 'module'")).toBe(true);
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // characters per line: minified
  });

  it('bundles the AWS SDK instead of relying on the runtime copy', () => {
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDB');
  });

  it('imports cleanly and exports the handler (a cold start)', async () => {
    process.env.API_KEYS_TABLE = 'keys';
    const mod = (await import(pathToFileURL(join(bundleDir, 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
  });
});

/** The deliver function bundled as the CDK bundles it, then cold-started once per transport, recording the files it loads. */
describe('the deliver bundle loads only the configured transport', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'posthaste-deliver-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  let metafile: Metafile;
  beforeAll(async () => {
    metafile = (await build({ ...buildOptionsFor('deliver', outdir), sourcemap: false, metafile: true, logLevel: 'silent' })).metafile;
  }, 60_000);
  const env = {
    ...tableEnvironment({ messages: 'm', idempotency: 'i', feedback: 'f', suppressions: 's', apiKeys: 'k' }),
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/q',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  const loadedPackages = (transport: Record<string, string>) => {
    const loaded = loadedFiles(join(outdir, ENTRY_FILE), outdir, { ...env, ...transport });
    return [...packagesIn(metafile, PROJECT_ROOT, outdir, loaded.files).keys()];
  };

  it('SES: the SES client, and no nodemailer', () => {
    const packages = loadedPackages({ TRANSPORT: 'ses', SES_MAX_SEND_RATE: '14' });
    expect(packages).toContain('@aws-sdk/client-ses');
    expect(packages).not.toContain('nodemailer');
  });

  it('SMTP: nodemailer, and no SES client', () => {
    const packages = loadedPackages({ TRANSPORT: 'smtp', SMTP_URL: 'smtp://127.0.0.1:9?tls=none' });
    expect(packages).toContain('nodemailer');
    expect(packages).not.toContain('@aws-sdk/client-ses');
  });
});
