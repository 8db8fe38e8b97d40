import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadedFiles } from '../../bench/lib/loaded.js';
import { TABLE_VARIABLES } from '../../functions/compose/environment.js';
import { bundleFunction } from '../../infra/bundling.js';
import { PosthasteFunction, PROJECT_ROOT } from '../../infra/constructs/posthaste-function.js';

/** Settings a handler reads at import (fail-fast config), for importing a bundle without a synthesized stack; loopback SMTP. */
const IMPORT_ENV: Record<string, string> = {
  ...Object.fromEntries(Object.values(TABLE_VARIABLES).map((name) => [name, `bench-${name.toLowerCase()}`])),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/posthaste-send',
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/posthaste-send-dlq',
  WEBHOOK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/posthaste-webhooks',
  TRANSPORT: 'smtp',
  SMTP_URL: 'smtp://127.0.0.1:2525?tls=none',
  SES_CONFIGURATION_SET: 'posthaste',
  SES_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:posthaste-ses-events',
  ALLOWED_SENDER_DOMAINS: 'example.com',
  PAYLOAD_BUCKET: 'bench-payloads',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

/** Real bundling (the local esbuild, no Docker) of one function, then a cold start of the bundle. */
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

describe('the deliver bundle', () => {
  /** The packages in the files Node loaded while cold-starting the bundle with each transport (a module hook records them). */
  let loaded: Record<'ses' | 'smtp', Set<string>>;
  beforeAll(async () => {
    const { metafile } = await bundleFunction(PROJECT_ROOT, 'deliver', join(outdir, 'deliver'));
    const { outputs } = metafile;
    const index = Object.keys(outputs).find((path) => path.endsWith('/index.mjs'))!;
    const packages = (env: Record<string, string>) => {
      const { files } = loadedFiles(resolve(PROJECT_ROOT, index), { ...IMPORT_ENV, ...env });
      return new Set(
        Object.entries(outputs)
          .filter(([path]) => files.includes(resolve(PROJECT_ROOT, path)))
          .flatMap(([, output]) => Object.keys(output.inputs).map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? input)),
      );
    };
    loaded = { ses: packages({ TRANSPORT: 'ses', SES_MAX_SEND_RATE: '14' }), smtp: packages({ TRANSPORT: 'smtp' }) };
  }, 60_000);

  it('with SES, loads the SES client and never nodemailer or the Secrets Manager client', () => {
    expect(loaded.ses.has('@aws-sdk/client-ses')).toBe(true);
    expect(loaded.ses.has('nodemailer')).toBe(false);
    expect(loaded.ses.has('@aws-sdk/client-secrets-manager')).toBe(false);
  });

  it('with SMTP, loads nodemailer and never the SES client', () => {
    expect(loaded.smtp.has('nodemailer')).toBe(true);
    expect(loaded.smtp.has('@aws-sdk/client-ses')).toBe(false);
  });
});

describe('the api bundle', () => {
  /** Our own source files in what Node loaded while cold-starting the api bundle. */
  let ours: string[];
  beforeAll(async () => {
    const { metafile } = await bundleFunction(PROJECT_ROOT, 'api', join(outdir, 'api'));
    const { outputs } = metafile;
    const index = Object.keys(outputs).find((path) => path.endsWith('/index.mjs'))!;
    const { files } = loadedFiles(resolve(PROJECT_ROOT, index), IMPORT_ENV);
    ours = Object.entries(outputs)
      .filter(([path]) => files.includes(resolve(PROJECT_ROOT, path)))
      .flatMap(([, output]) => Object.keys(output.inputs).filter((input) => input.startsWith('functions/')));
  }, 60_000);

  it('loads the send routes at a cold start and leaves every other route group, with its schemas, to its first request', () => {
    expect(ours).toContain('functions/api/routes/send.ts');
    expect(ours).toContain('functions/core/send-request.ts');
    const others = [
      'routes/emails.ts',
      'routes/webhooks.ts',
      'routes/templates.ts',
      'routes/events.ts',
      'routes/bounces.ts',
      'routes/suppressions.ts',
      'resend/routes.ts',
      'schemas.ts',
    ];
    expect(ours.filter((file) => others.some((other) => file === `functions/api/${other}`))).toEqual([]);
  });
});
