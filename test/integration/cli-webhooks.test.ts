/**
 * `npx posthaste webhooks …` as a user runs it, in its own process, against the whole local
 * pipeline: the endpoint commands on a real receiver on loopback, and `listen` spawned as a
 * long-running child — real sends to the mailbox simulator arrive through the dispatcher,
 * are printed verified and forwarded to an app's handler with headers the standardwebhooks
 * library accepts, a failing handler gets the same webhook-id again, and Ctrl-C removes the
 * temporary endpoint. Every wait is on a positive signal: a line on stdout, a request
 * received, a delivery's recorded status.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import { apiDeps } from '../../functions/compose/api.js';
import { silentLog } from '../../functions/core/log.js';
import { type Gateway, startGateway } from '../../local/http-gateway.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { CLI, runCli } from '../helpers/cli.js';
import { getJson, postJson, waitFor } from '../helpers/http.js';

interface Hit {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let pipeline: Pipeline;
let receiver: Server;
let receiverUrl: string;
const hits: Hit[] = [];
/** What the receiver answers next, per path; the default is 204. */
const answers = new Map<string, number[]>();
const children = new Set<ChildProcess>();

const cliEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH!, POSTHASTE_URL: pipeline.apiUrl, ...env });

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, cliEnv(env));

/** A long-running CLI process whose output is read as it comes. */
function spawnCli(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c) => (out.stdout += c));
  child.stderr.on('data', (c) => (out.stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  exited.then(() => children.delete(child));
  const line = (pattern: RegExp, what: string) =>
    waitFor(() => out.stdout.split('\n').find((l) => pattern.test(l)), 30_000, `${what} (stdout so far: ${out.stdout}${out.stderr})`);
  return { child, out, exited, line };
}

const send = async (to: string) => {
  const res = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'shop@example.com', to, subject: 'Your receipt', text: 'Thanks.' });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

const endpointIds = async () => ((await getJson(`${pipeline.apiUrl}/v1/webhooks?limit=100`)).body.data as { id: string }[]).map((e) => e.id);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '';
      hits.push({ path, headers: req.headers as Record<string, string>, body });
      const status = answers.get(path)?.shift() ?? 204;
      res.writeHead(status).end(status < 300 ? '' : 'handler broke');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  pipeline = await startPipeline({ simulatorDelayMs: 0, scheduleSweepMs: 0, log: () => silentLog });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await pipeline?.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

// Each CLI run is a fresh process (about a second here, more on a loaded machine): room for a dozen per test.
describe('npx posthaste webhooks', { timeout: 90_000 }, () => {
  it('creates, lists, shows, changes, rotates and deletes endpoints', async () => {
    const created = await cli(['webhooks', 'create', '--url', `${receiverUrl}/crud`, '--events', 'email.sent, email.bounced', '--description', 'orders app']);
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.match(/^id +(wh_\w+)$/m)![1]!;
    const secret = created.stdout.match(/^signing secret +(whsec_\S+)$/m)![1]!;
    expect(created.stdout).toMatch(/^events +email\.sent, email\.bounced$/m);
    expect(created.stdout).toMatch(/never shows it again/);

    const listed = await cli(['webhooks', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`^${id} +${receiverUrl}/crud +email\\.sent, email\\.bounced +enabled +orders app$`, 'm'));
    expect(listed.stdout).not.toContain(secret);
    const json = JSON.parse((await cli(['--json', 'webhooks', 'get', id])).stdout);
    expect(json).toMatchObject({ id, url: `${receiverUrl}/crud`, enabled: true, description: 'orders app' });
    expect(json.secret).toBeUndefined();

    const updated = await cli(['webhooks', 'update', id, '--events', 'all', '--disable', '--url', `${receiverUrl}/moved`]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toMatch(/^events +all$/m);
    expect(updated.stdout).toMatch(/^state +disabled by an operator$/m);
    expect(updated.stdout).toMatch(new RegExp(`^url +${receiverUrl}/moved$`, 'm'));
    expect((await cli(['webhooks', 'update', id, '--enable'])).stdout).toMatch(/^state +enabled$/m);
    expect((await cli(['webhooks', 'update', id, '--enable', '--disable'])).code).toBe(2);
    expect((await cli(['webhooks', 'update', id])).code).toBe(2);

    const rotated = await cli(['webhooks', 'rotate', id]);
    const newSecret = rotated.stdout.match(/^signing secret +(whsec_\S+)$/m)![1]!;
    expect(newSecret).not.toBe(secret);
    expect(rotated.stdout).toMatch(/24 hours/);

    expect(await cli(['webhooks', 'delete', id])).toMatchObject({ code: 0, stdout: `webhook endpoint ${id} deleted\n` });
    const gone = await cli(['webhooks', 'get', id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/\(404 not_found\)/);
  });

  it("takes --url after the command as the endpoint's and before it as the API's", async () => {
    const created = await cli(['--url', pipeline.apiUrl, '--json', 'webhooks', 'create', '--url', `${receiverUrl}/placed`], { POSTHASTE_URL: '' });
    expect(created.code, created.stderr).toBe(0);
    const { id, url, secret } = JSON.parse(created.stdout);
    expect([url, secret]).toEqual([`${receiverUrl}/placed`, expect.stringMatching(/^whsec_/)]);
    expect((await cli([`--url=${pipeline.apiUrl}`, 'webhooks', 'update', id, `--url=${receiverUrl}/replaced`], { POSTHASTE_URL: '' })).stdout).toMatch(
      new RegExp(`^url +${receiverUrl}/replaced$`, 'm'),
    );
    expect((await cli(['webhooks', 'create'])).stderr).toMatch(/required option '--url <url>'/);
    const refused = await cli(['webhooks', 'create', '--url', 'http://example.com/hooks', '--events', 'email.nope']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ {2}url: must be an https URL$/m);
    await cli(['webhooks', 'delete', id]);
  });

  it('lists deliveries with every attempt (status code, duration, error) and resends one with the same webhook-id', async () => {
    const created = JSON.parse((await cli(['--json', 'webhooks', 'create', '--url', `${receiverUrl}/flaky`, '--events', 'email.sent'])).stdout);
    answers.set('/flaky', [500]);
    const message = await send('someone@example.org');
    const delivery = await waitFor(async () => {
      const page = await getJson(`${pipeline.apiUrl}/v1/webhooks/${created.id}/deliveries`);
      const found = page.body.data.find((d: { messageId: string }) => d.messageId === message);
      return found?.status === 'succeeded' ? found : undefined;
    }, 20_000);

    const shown = await cli(['webhooks', 'deliveries', created.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`${delivery.deliveryId}  email.sent  succeeded  message ${message}  webhook-id ${delivery.eventId}`);
    expect(shown.stdout).toMatch(/^ {2}1 +\S+Z +500 +\d+ ms +handler broke$/m);
    expect(shown.stdout).toMatch(/^ {2}2 +\S+Z +204 +\d+ ms$/m);

    const before = hits.filter((h) => h.headers['webhook-id'] === delivery.eventId).length;
    const retried = await cli(['webhooks', 'retry', created.id, delivery.deliveryId]);
    expect(retried).toMatchObject({ code: 0, stdout: expect.stringContaining('queued to be sent again') });
    await waitFor(() => (hits.filter((h) => h.headers['webhook-id'] === delivery.eventId).length === before + 1 ? true : undefined));
    const missing = await cli(['webhooks', 'retry', created.id, 'no-such-delivery']);
    expect(missing.code).toBe(1);
    await cli(['webhooks', 'delete', created.id]);
  });
});

describe('npx posthaste webhooks listen', { timeout: 90_000 }, () => {
  it('prints verified events, forwards them to the app (retried while it fails), refuses forgeries, and removes its endpoint on Ctrl-C', async () => {
    answers.set('/app', [500]); // the app's handler fails its first request
    const listen = spawnCli(['webhooks', 'listen', '--forward-to', `${receiverUrl}/app`, '--events', 'email.sent,email.delivered']);
    const ready = await listen.line(/^Listening on http:\/\/127\.0\.0\.1:\d+\/ for email\.sent, email\.delivered$/, 'listen to be ready');
    const receiving = ready.match(/^Listening on (\S+)/)![1]!;
    const endpointId = (await listen.line(/^ {2}temporary endpoint wh_\w+ -> /, 'the endpoint line')).match(/(wh_\w+)/)![1]!;
    const secret = (await listen.line(/^ {2}signing secret +whsec_/, 'the secret line')).match(/(whsec_\S+)/)![1]!;
    const registered = (await getJson(`${pipeline.apiUrl}/v1/webhooks/${endpointId}`)).body;
    expect(registered).toMatchObject({ url: receiving, events: ['email.sent', 'email.delivered'], description: expect.stringMatching(/temporary.*listen/) });

    const message = await send('success@simulator.amazonses.com');
    const sent = await listen.line(new RegExp(`email\\.sent +message ${message} +success@simulator\\.amazonses\\.com +evt_\\w+ +verified$`), 'email.sent');
    await listen.line(new RegExp(`email\\.delivered +message ${message} +success@simulator\\.amazonses\\.com +evt_\\w+ +verified`), 'email.delivered');
    const sentId = sent.match(/(evt_\w+)/)![1]!;
    // The app answered 500 to the first request, so the dispatcher sends that event again.
    await listen.line(new RegExp(`${sentId} +verified \\(received 2 times\\)$`), 'the retried event');
    await listen.line(new RegExp(`^ {2}-> forwarded ${sentId} to ${receiverUrl}/app: answered 500 \\(\\d+ ms\\)$`), 'the failed forward');
    await listen.line(new RegExp(`^ {2}-> forwarded ${sentId} to ${receiverUrl}/app: answered 204 \\(\\d+ ms\\)$`), 'the forward that succeeded');

    const forwarded = await waitFor(() => {
      const mine = hits.filter((h) => h.path === '/app' && h.body.includes(message));
      return mine.length >= 3 ? mine : undefined;
    });
    for (const hit of forwarded) {
      const event = new Webhook(secret).verify(hit.body, hit.headers) as { type: string; data: { id: string } };
      expect(event.data.id).toBe(message);
      expect(hit.headers['content-type']).toBe('application/json');
    }
    expect(forwarded.filter((h) => h.headers['webhook-id'] === sentId)).toHaveLength(2);
    const attempts = await waitFor(async () => {
      const page = await getJson(`${pipeline.apiUrl}/v1/webhooks/${endpointId}/deliveries`);
      const found = page.body.data.find((d: { eventId: string; status: string }) => d.eventId === sentId && d.status === 'succeeded');
      return found?.attempts;
    });
    expect(attempts.map((a: { statusCode: number; reply?: string }) => [a.statusCode, a.reply])).toEqual([
      [500, 'handler broke'],
      [204, undefined],
    ]);

    // Not signed with the endpoint's secret: printed as such, refused, not forwarded.
    const forgedBody = JSON.stringify({ type: 'email.sent', createdAt: new Date().toISOString(), data: { id: 'forged' } });
    const forged = await fetch(receiving, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...forgedHeaders('evt_forged', forgedBody) },
      body: forgedBody,
    });
    expect(forged.status).toBe(401);
    await listen.line(/^SIGNATURE FAILED {2}webhook-id evt_forged: .+ \(answered 401, not forwarded\)$/, 'the forgery');
    expect(hits.some((h) => h.body.includes('forged'))).toBe(false);

    listen.child.kill('SIGINT');
    expect(await listen.exited).toBe(0);
    expect(listen.out.stdout).toContain(`Removed the temporary endpoint ${endpointId}.`);
    expect(await endpointIds()).not.toContain(endpointId);
    expect((await fetch(receiving).catch((error: Error) => error)) instanceof Error).toBe(true);
  });

  it('answers with a 502 when the app cannot be reached, so the event is retried, and stops on SIGTERM too', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const listen = spawnCli(['--json', 'webhooks', 'listen', '--forward-to', `http://127.0.0.1:${deadPort}/hooks`, '--events', 'email.sent']);
    const ready = JSON.parse(await listen.line(/"kind":"listening"/, 'listen to be ready'));
    const message = await send('nobody-home@example.org');
    const forward = JSON.parse(await listen.line(/"kind":"forwarded"/, 'the forward attempt'));
    expect(forward).toMatchObject({ url: `http://127.0.0.1:${deadPort}/hooks`, error: 'ECONNREFUSED' });
    const attempt = await waitFor(async () => {
      const page = await getJson(`${pipeline.apiUrl}/v1/webhooks/${ready.endpoint.id}/deliveries`);
      return page.body.data.find((d: { messageId: string }) => d.messageId === message)?.attempts[0];
    });
    expect(attempt).toMatchObject({ statusCode: 502, reply: expect.stringContaining('ECONNREFUSED') });
    listen.child.kill('SIGTERM');
    expect(await listen.exited).toBe(0);
    expect(JSON.parse(listen.out.stdout.trim().split('\n').at(-1)!)).toEqual({ kind: 'removed', id: ready.endpoint.id });
    expect(await endpointIds()).not.toContain(ready.endpoint.id);
  });

  it('says so when the endpoint cannot be removed (API gone), with the command that removes it, and exit code 3', async () => {
    const api = await apiOnTheSameTables(pipeline.env);
    const listen = spawnCli(['--url', api.url, 'webhooks', 'listen']);
    const endpointId = (await listen.line(/^ {2}temporary endpoint wh_\w+ -> /, 'the endpoint line')).match(/(wh_\w+)/)![1]!;
    await api.stop();
    listen.child.kill('SIGINT');
    expect(await listen.exited).toBe(3);
    expect(listen.out.stderr).toMatch(
      new RegExp(`could not remove the temporary endpoint ${endpointId} .*remove it with: posthaste webhooks delete ${endpointId}$`, 'm'),
    );
    expect(await endpointIds()).toContain(endpointId);
    expect((await cli(['webhooks', 'delete', endpointId])).code).toBe(0);
  });

  it('exits 0 when the endpoint was removed already (by hand or by someone else); --port picks the port', async () => {
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const port = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const listen = spawnCli(['webhooks', 'listen', '--port', String(port)]);
    const endpointId = (await listen.line(new RegExp(`^ {2}temporary endpoint wh_\\w+ -> http://127\\.0\\.0\\.1:${port}/$`), 'the endpoint line')).match(
      /(wh_\w+)/,
    )![1]!;
    expect((await cli(['webhooks', 'delete', endpointId])).code).toBe(0);
    listen.child.kill('SIGINT');
    expect(await listen.exited).toBe(0);
    expect(listen.out.stdout).toContain(`The temporary endpoint ${endpointId} was already removed.`);
  });

  it('refuses a port in use, and documents itself in --help', async () => {
    const taken = (receiver.address() as AddressInfo).port;
    const out = await cli(['webhooks', 'listen', '--port', String(taken)]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`port ${taken} is in use`));
    for (const command of ['webhooks', 'webhooks create', 'webhooks deliveries', 'webhooks listen']) {
      const help = await cli([...command.split(' '), '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Usage: posthaste ${command}`));
    }
  });

  it('explains that listen needs the local API when the API only posts to public https addresses', async () => {
    // The API function with the deployed stack's URL rules (no loopback http).
    const { WEBHOOK_ALLOW_LOOPBACK: _local, ...deployedEnv } = pipeline.env;
    const deployed = await apiOnTheSameTables(deployedEnv);
    try {
      const before = await endpointIds();
      const out = await cli(['webhooks', 'listen'], { POSTHASTE_URL: deployed.url });
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/^error: url: .* \(422 validation_failed\)$/m);
      expect(out.stderr).toMatch(/only posts to public https URLs/);
      expect(out.stderr).toMatch(/npm start/);
      expect(out.stderr).toMatch(/--public-url/);
      const tunnel = await cli(['webhooks', 'listen', '--public-url', 'http://10.0.0.7/hooks'], { POSTHASTE_URL: deployed.url });
      expect(tunnel.code).toBe(1);
      expect(tunnel.stderr).toMatch(/The API refused --public-url http:\/\/10\.0\.0\.7\/hooks/);
      expect(await endpointIds()).toEqual(before);
    } finally {
      await deployed.stop();
    }
  });
});

/** Another API function over the pipeline's tables and queues, with its own settings and lifetime. */
const apiOnTheSameTables = (env: Pipeline['env']): Promise<Gateway> => startGateway({ handler: createApiHandler(apiDeps(env, pipeline.aws), silentLog) });

/** Standard Webhooks headers signed with a secret that is not the endpoint's. */
function forgedHeaders(id: string, body: string): Record<string, string> {
  const at = new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(`whsec_${Buffer.from('not the endpoint secret!').toString('base64')}`).sign(id, at, body),
  };
}
