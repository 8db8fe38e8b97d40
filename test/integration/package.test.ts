/**
 * The packed package on its own: `npm pack` (whose prepack builds dist/), installed from the
 * tarball into an empty project, type-checked the way a consumer compiles it, and its bin run
 * there against the local pipeline — outside the clone, with none of the repo's modules in reach.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** What no consumer should have to install: the CDK, dev tooling, the Lambda functions' own dependencies. */
const NOT_INSTALLED = [
  'aws-cdk-lib',
  'aws-cdk',
  'typescript',
  'tsx',
  'esbuild',
  'vitest',
  'zod',
  'commander',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-sqs',
];

interface PackResult {
  filename: string;
  size: number;
  files: { path: string }[];
}

let work: string;
let app: string;
let packed: PackResult;
let pipeline: Pipeline;

/** The environment of a process run "elsewhere": no npm_* variables of a surrounding `npm test`. */
const outsideEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && !name.startsWith('POSTHASTE_'))),
  ...extra,
});

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = outsideEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 99) : 0, stdout, stderr }),
    );
  });
}

async function must(file: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await run(file, args, cwd, env);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** `posthaste …` as the consumer project runs it: through npx, from its own node_modules. */
const posthaste = (args: string[], env: Record<string, string> = {}) => run('npx', ['--no-install', 'posthaste', ...args], app, outsideEnv(env));

async function packAndInstall(): Promise<void> {
  const [result] = JSON.parse(await must('npm', ['pack', '--json', '--pack-destination', work], ROOT)) as PackResult[];
  packed = result!;
  await must('npm', ['init', '-y'], app);
  await must('npm', ['install', '--no-audit', '--no-fund', join(work, packed.filename)], app);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'posthaste-pack-'));
  app = join(work, 'app');
  mkdirSync(app);
  [pipeline] = await Promise.all([startPipeline({ log: () => silentLog }), packAndInstall()]);
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the built client and CLI, no source, and installs without the CDK or dev tooling', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'cli/posthaste.mjs', 'dist/cli.js', 'dist/keys.js', 'dist/client/index.js', 'dist/client/index.d.ts']),
    );
    expect(paths.filter((p) => /\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => /^(functions|infra|local|test|client)\//.test(p))).toEqual([]);
    expect(existsSync(join(app, 'node_modules', 'posthaste', 'dist', 'cli.js'))).toBe(true);
    expect(NOT_INSTALLED.filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([]);
  });

  it("depends on nothing but what the client imports (the functions' packages are devDependencies: Lambda bundles them)", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const source = readdirSync(join(ROOT, 'client'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(ROOT, 'client', f), 'utf8'))
      .join('\n');
    const imported = new Set([...source.matchAll(/(?:from |import\()'((?:@[^/']+\/)?[^./'][^/']*)/g)].map((m) => m[1]!));
    imported.delete('openapi-typescript'); // client/write-api-types.ts: a dev tool, not packed
    for (const name of imported) if (name.startsWith('node:')) imported.delete(name);
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...imported].sort());
  });

  it("type-checks a consumer's import of posthaste/client under tsc --strict", async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { Posthaste, PosthasteApiError, type Email, type ErrorCode, type SendEmailInput } from 'posthaste/client';
import { Posthaste as FromRoot } from 'posthaste';

const client: Posthaste = new FromRoot({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'ph_test', sigv4: { region: 'eu-west-1' } });
const email: SendEmailInput = { from: { name: 'App', email: 'app@example.com' }, to: ['you@example.org'], subject: 'Hi', text: 'Hello' };
export async function main(): Promise<string> {
  const { id } = await client.send(email, { idempotencyKey: 'k1' });
  const sent: Email = await client.get(id);
  const codes: ErrorCode[] = ['validation_failed', 'not_found'];
  for await (const s of client.suppressions.all()) console.log(s.address, s.reason);
  try {
    await client.cancel(id);
  } catch (error) {
    if (error instanceof PosthasteApiError) return error.code + error.status + codes.length;
  }
  // @ts-expect-error the status is one of the documented values, not any string
  const wrong: Email['status'] = 'lost';
  // @ts-expect-error a send needs a subject
  await client.send({ from: 'app@example.com', to: 'you@example.org' });
  return sent.status + wrong;
}
`,
    );
    const checked = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });

  it('runs the posthaste bin: help, send (an .eml) and status against the local API', async () => {
    const help = await posthaste(['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: posthaste/);

    // An .eml, so the lazily loaded mailparser chunk runs too.
    const eml = join(work, 'message.eml');
    writeFileSync(eml, 'From: app@example.com\r\nTo: packed@example.org\r\nSubject: From the tarball\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n');
    const sent = await posthaste(['send', eml, '--json'], { POSTHASTE_URL: pipeline.apiUrl });
    expect(sent.code, sent.stderr).toBe(0);
    const { id } = JSON.parse(sent.stdout) as { id: string };

    const status = await posthaste(['status', id, '--json'], { POSTHASTE_URL: pipeline.apiUrl });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, to: ['packed@example.org'], subject: 'From the tarball' });
  });

  it('runs the bundled AWS commands: keys against DynamoDB, dlq redrive against SQS', async () => {
    const aws = {
      AWS_REGION: 'us-east-1',
      POSTHASTE_DYNAMODB_ENDPOINT: pipeline.aws.endpoints!.dynamodb!,
      POSTHASTE_SQS_ENDPOINT: pipeline.aws.endpoints!.sqs!,
    };
    const created = await posthaste(['keys', 'create', '--name', 'from-the-tarball', '--json'], { ...aws, API_KEYS_TABLE: pipeline.env.API_KEYS_TABLE! });
    expect(created.code, created.stderr).toBe(0);
    const { keyId } = JSON.parse(created.stdout) as { keyId: string };
    const listed = await posthaste(['keys', 'list', '--json'], { ...aws, API_KEYS_TABLE: pipeline.env.API_KEYS_TABLE! });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ keyId, name: 'from-the-tarball', status: 'active' }));

    const redriven = await posthaste(['dlq', 'redrive', '--json'], {
      ...aws,
      QUEUE_URL: pipeline.queueUrl,
      DLQ_URL: pipeline.dlqUrl,
      MESSAGES_TABLE: pipeline.env.MESSAGES_TABLE!,
    });
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(JSON.parse(redriven.stdout)).toMatchObject({ moved: 0, failed: 0 });
  });

  it('imports the client at run time from the consumer project', async () => {
    const script = `import { Posthaste } from 'posthaste/client';
const email = await new Posthaste({ baseUrl: process.argv[1] }).send({ from: 'app@example.com', to: 'runtime@example.org', subject: 'Runtime', text: 'hi' });
console.log(JSON.stringify(email));`;
    const out = await must(process.execPath, ['--input-type=module', '-e', script, pipeline.apiUrl], app);
    expect(JSON.parse(out)).toMatchObject({ id: expect.any(String), status: 'queued' });
  });
});
