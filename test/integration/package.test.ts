/**
 * The published package, as a user gets it: `npm pack` (which builds dist/ through the
 * prepack script), `npm install <tarball>` into an empty project outside the clone, a
 * consumer's TypeScript type-checked against `posthaste/client`, the client imported at run
 * time, and the `posthaste` bin run against the local pipeline.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { waitFor, waitForStatus } from '../helpers/http.js';

const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

let work: string;
let project: string;
let packed: { filename: string; size: number; files: { path: string }[] };
let pipeline: Pipeline;

/** A child process with only what a user's shell would have: no variables of this test run. */
const userEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH!, HOME: process.env.HOME ?? work, ...extra });

async function posthaste(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'posthaste', ...args], { cwd: project, env: userEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 99, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'posthaste-package-'));
  project = join(work, 'consumer');
  mkdirSync(project);
  const [pack] = await Promise.all([
    run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, env: userEnv(), maxBuffer: 16 * 1024 * 1024 }),
    run('npm', ['init', '-y'], { cwd: project, env: userEnv() }),
  ]);
  // npm prints the prepack build's output before the JSON.
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('\n[') + 1)) as (typeof packed)[])[0]!;
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], { cwd: project, env: userEnv() });
  pipeline = await startPipeline({ log: () => silentLog });
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the built client and CLI, and no source or test code', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'cli/posthaste.mjs',
        'dist/cli.mjs',
        'dist/client/index.js',
        'dist/client/index.d.ts',
        'dist/console/console.js',
      ]),
    );
    expect(files.filter((f) => !/^(dist\/|cli\/posthaste\.mjs$|package\.json$|README\.md$|LICENSE)/.test(f))).toEqual([]);
  });

  it('installs without the build, test or deploy tooling, nor the Lambda functions’ dependencies', () => {
    const installed = new Set(
      readdirSync(join(project, 'node_modules'), { recursive: true, encoding: 'utf8' }).flatMap(
        (path) => /(?:^|\/node_modules\/)((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(path)?.[1] ?? [],
      ),
    );
    expect(installed).toContain('posthaste');
    const dragged = Object.keys(manifest.devDependencies).filter((name) => installed.has(name));
    expect(dragged).toEqual([]);
  });

  it("depends on nothing but the packages the client imports (the functions' packages are devDependencies: Lambda bundles them)", () => {
    const source = readdirSync(join(repo, 'client'))
      .filter((file) => file.endsWith('.ts') && file !== 'write-api-types.ts')
      .map((file) => readFileSync(join(repo, 'client', file), 'utf8'))
      .join('\n');
    const imported = new Set(
      [...source.matchAll(/(?:from|import\()\s*'((?:@[^/']+\/)?[^./'#][^/']*)/g)].map((match) => match[1]!).filter((name) => !name.startsWith('node:')),
    );
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...imported].sort());
  });

  it('type-checks a consumer under strict TypeScript, and the types are not `any`', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        // No @types/node and no skipLibCheck: the declarations must stand on their own.
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], noEmit: true },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { Posthaste, PosthasteApiError, type Email, type SendEmailInput } from 'posthaste/client';

const client = new Posthaste({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'ph_test', sigv4: { region: 'eu-west-1' } });
const email: SendEmailInput = { from: { name: 'App', email: 'app@example.com' }, to: ['a@example.org'], subject: 'Hi', text: 'Hello' };
export async function main(): Promise<Email['status']> {
  const { id } = await client.send(email, { idempotencyKey: 'k1' });
  try {
    return (await client.get(id)).status;
  } catch (error) {
    if (error instanceof PosthasteApiError) return error.code === 'not_found' ? 'failed' : 'queued';
    throw error;
  }
}
// @ts-expect-error a send request needs a subject
export const missingSubject: SendEmailInput = { from: 'app@example.com', to: 'a@example.org' };
// @ts-expect-error 'posted' is not a status
export const wrongStatus: Email['status'] = 'posted';
`,
    );
    const checked = await run(process.execPath, [tsc, '-p', project], { cwd: project }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(checked).toBe('');
  });

  it('imports as `posthaste/client` at run time and sends through the API', async () => {
    writeFileSync(
      join(project, 'send.mjs'),
      `import { Posthaste } from 'posthaste/client';
const accepted = await new Posthaste({ baseUrl: process.env.POSTHASTE_URL }).send({ from: 'app@example.com', to: 'client@example.org', subject: 'From the package', text: 'hi' });
console.log(JSON.stringify(accepted));`,
    );
    const { stdout } = await run(process.execPath, ['send.mjs'], { cwd: project, env: userEnv({ POSTHASTE_URL: pipeline.apiUrl }) });
    const { id } = JSON.parse(stdout) as { id: string };
    await waitForStatus(pipeline.apiUrl, id, ['sent']);
  });

  it('runs the posthaste bin: --help, --version, send and status', async () => {
    const help = await posthaste(['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: posthaste/);
    expect((await posthaste(['--version'])).stdout.trim()).toBe(manifest.version);

    const env = { POSTHASTE_URL: pipeline.apiUrl };
    const sent = await posthaste(['--json', 'send', '--from', 'app@example.com', '--to', 'bin@example.org', '--subject', 'From the bin', '--text', 'hi'], env);
    expect(sent.code, sent.stderr).toBe(0);
    const { id } = JSON.parse(sent.stdout) as { id: string };
    await waitForStatus(pipeline.apiUrl, id, ['sent']);
    const shown = await posthaste(['status', id], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^status +sent$/m);
  });

  it('loads the commands kept out of the start-up path: .eml parsing, keys and dlq', async () => {
    const eml = join(project, 'hello.eml');
    writeFileSync(eml, 'From: app@example.com\r\nTo: eml@example.org\r\nSubject: From an eml\r\n\r\nHello\r\n');
    const sent = await posthaste(['--json', 'send', eml], { POSTHASTE_URL: pipeline.apiUrl });
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ status: 'queued' });

    const keys = await posthaste(['keys', '--help']);
    expect(keys.code, keys.stderr).toBe(0);
    expect(keys.stdout).toMatch(/^Usage: keys <command>/);

    // Without its environment the redrive stops at configuration (exit 3), after its module loaded.
    const redrive = await posthaste(['dlq', 'redrive']);
    expect(redrive.stderr).toMatch(/QUEUE_URL is required/);
    expect(redrive.code).toBe(3);
  });

  it('serves the operator console it was built with (`posthaste console`), with neither its source nor esbuild', async () => {
    expect(readdirSync(join(project, 'node_modules'))).not.toContain('esbuild');
    const child = spawn(process.execPath, [join(project, 'node_modules/posthaste/cli/posthaste.mjs'), 'console', '--port', '0', '--url', pipeline.apiUrl], {
      cwd: project,
      env: userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await waitFor(
        () => /Posthaste console\s+(http:\/\/127\.0\.0\.1:\d+\/console\/)/.exec(output)?.[1],
        20_000,
        `the console address in: ${output}`,
      );
      expect(await (await fetch(url)).text()).toContain('console.js');
      const script = await fetch(new URL('console.js', url));
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await script.text()).length).toBeGreaterThan(10_000);
      expect((await fetch(new URL('/v1/suppressions', url))).status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  // The bundled SDK loads some of its modules only when it first sends a request.
  it('talks to DynamoDB and SQS through the bundled SDK: keys create and list, dlq redrive', async () => {
    const aws = {
      AWS_REGION: 'us-east-1',
      POSTHASTE_DYNAMODB_ENDPOINT: pipeline.aws.endpoints!.dynamodb!,
      POSTHASTE_SQS_ENDPOINT: pipeline.aws.endpoints!.sqs!,
    };
    const keysEnv = { ...aws, API_KEYS_TABLE: pipeline.env.API_KEYS_TABLE! };
    const created = await posthaste(['keys', 'create', '--name', 'from-the-package', '--json'], keysEnv);
    expect(created.code, created.stderr).toBe(0);
    const { keyId } = JSON.parse(created.stdout) as { keyId: string };
    const listed = await posthaste(['keys', 'list', '--json'], keysEnv);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ keyId, name: 'from-the-package', status: 'active' }));

    const redriven = await posthaste(['--json', 'dlq', 'redrive'], {
      ...aws,
      QUEUE_URL: pipeline.queueUrl,
      DLQ_URL: pipeline.dlqUrl,
      MESSAGES_TABLE: pipeline.env.MESSAGES_TABLE!,
    });
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(JSON.parse(redriven.stdout)).toMatchObject({ moved: 0, failed: 0 });
  });
});
