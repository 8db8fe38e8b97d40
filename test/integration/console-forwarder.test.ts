/**
 * `posthaste console`'s forwarder: the page on 127.0.0.1, its /v1 calls passed to the API
 * with the operator's key (or a SigV4 signature) and nothing else of the browser's, and a
 * foreign Origin or Host refused before anything reaches the API.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleForwarder, startConsoleForwarder } from '../../cli/console.js';
import { DynamoDbApiKeyStore } from '../../functions/adapters/dynamodb-api-key-store.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { createApiKey } from '../../functions/core/api-key-admin.js';
import { silentLog } from '../../functions/core/log.js';
import { systemClock } from '../../functions/core/ports.js';
import { buildConsole, type ConsoleFiles } from '../../local/console-assets.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { waitFor } from '../helpers/http.js';

let pipeline: Pipeline;
let apiKey: string;
let files: ConsoleFiles;
/** A stand-in API that records what reaches it. */
let recorder: Server;
let recorderUrl: string;
let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
const forwarders: ConsoleForwarder[] = [];

async function forwarder(options: Partial<Parameters<typeof startConsoleForwarder>[0]> = {}): Promise<ConsoleForwarder> {
  const started = await startConsoleForwarder({ target: pipeline.apiUrl, files, apiKey, ...options });
  forwarders.push(started);
  return started;
}

/** A raw request, so the test can set Host (fetch does not let it). */
function raw(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  [pipeline, files] = await Promise.all([startPipeline({ requireApiKeys: true, log: () => silentLog }), buildConsole()]);
  apiKey = (await createApiKey({ store: new DynamoDbApiKeyStore(dynamoClient(pipeline.aws), pipeline.env.API_KEYS_TABLE!), clock: systemClock }, 'console'))
    .apiKey;
  recorder = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': 'session=1', 'x-internal': 'yes' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', () => resolve()));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as { port: number }).port}`;
});

beforeEach(() => {
  seen = [];
});

afterAll(async () => {
  await Promise.all(forwarders.map((f) => f.stop()));
  recorder?.close();
  await pipeline?.stop();
});

describe('the console forwarder', () => {
  it('serves the console, and answers API calls with the key added: the browser needs none', async () => {
    const f = await forwarder();
    const page = await fetch(f.consoleUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="console.js">');
    expect((await fetch(`${f.url}/`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');

    const listed = await fetch(`${f.url}/v1/suppressions?limit=5`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ data: [] });
    // Straight to the API, the same call needs a key.
    expect((await fetch(`${pipeline.apiUrl}/v1/suppressions`)).status).toBe(401);
  });

  it('passes method, path with query, body and the idempotency key; never the cookies, the Origin or the browser’s own authorization', async () => {
    const f = await forwarder({ target: `${recorderUrl}/live` });
    const res = await fetch(`${f.url}/v1/emails?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1', cookie: 'a=b', authorization: 'Bearer from-the-page', origin: f.url },
      body: '{"to":"ann@example.org"}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('x-internal')).toBeNull();
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call).toMatchObject({ method: 'POST', url: '/live/v1/emails?x=1', body: '{"to":"ann@example.org"}' });
    expect(call!.headers).toMatchObject({ authorization: `Bearer ${apiKey}`, 'idempotency-key': 'k-1', 'content-type': 'application/json' });
    expect(call!.headers.cookie).toBeUndefined();
    expect(call!.headers.origin).toBeUndefined();
  });

  it('without a key of its own, passes on the key the page was given', async () => {
    const f = await forwarder({ target: recorderUrl, apiKey: undefined });
    await fetch(`${f.url}/v1/suppressions`, { headers: { authorization: 'Bearer typed-in' } });
    expect(seen[0]!.headers.authorization).toBe('Bearer typed-in');
  });

  it('signs with SigV4 when asked, instead of sending a key', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    const f = await forwarder({ target: recorderUrl, apiKey: undefined, sigv4: { region: 'eu-west-1', credentials } });
    await fetch(`${f.url}/v1/suppressions`, { headers: { authorization: 'Bearer typed-in' } });
    const headers = seen[0]!.headers;
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request/);
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('refuses a foreign Origin or Host before the API sees anything', async () => {
    const f = await forwarder({ target: recorderUrl });
    const fromElsewhere = await fetch(`${f.url}/v1/suppressions`, { headers: { origin: 'https://evil.example' } });
    expect(fromElsewhere.status).toBe(403);
    expect(((await fromElsewhere.json()) as { detail: string }).detail).toMatch(/Origin https:\/\/evil\.example may not call/);
    const rebound = await raw(`${f.url}/console/`, { host: `evil.example:${new URL(f.url).port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/Host evil\.example.* is not this machine/);
    expect(seen).toEqual([]);
  });

  it('says plainly when the API cannot be reached, and answers only the console and /v1', async () => {
    const f = await forwarder({ target: 'http://127.0.0.1:9' });
    const res = await fetch(`${f.url}/v1/suppressions`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'service_unavailable', detail: expect.stringContaining('http://127.0.0.1:9') });
    expect((await fetch(`${f.url}/etc/passwd`)).status).toBe(404);
  });

  it('runs as `posthaste console`, prints its address and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['cli/posthaste.mjs', 'console', '--port', '0', '--url', pipeline.apiUrl, '--api-key', apiKey], {
      env: { PATH: process.env.PATH! },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await waitFor(() => /Posthaste console\s+(http:\/\/127\.0\.0\.1:\d+\/console\/)/.exec(output)?.[1], 20_000, 'the console address');
    expect(output).toContain(`API calls go to ${pipeline.apiUrl} with your API key`);
    expect(output).not.toContain(apiKey);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(new URL('/v1/suppressions', url))).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
