import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { waitFor, waitForStatus } from '../helpers/http.js';

/** Starts `npm start`'s entry point the way a user does and returns the API URL from the banner. */
async function start(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; apiUrl: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: '0', POSTHASTE_DATA: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const apiUrl = await waitFor(() => /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], 20_000, 'the start banner');
  return { child, apiUrl, output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

describe('npm start', () => {
  it('prints a working curl command, writes the .eml, stops cleanly on Ctrl-C and keeps its data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'posthaste-data-'));
    const first = await start(dataDir);
    const curl = /curl -s (\S+) -H 'content-type: application\/json' -d '(.+)'/.exec(first.output())!;
    expect(curl).not.toBeNull();
    const res = await fetch(curl[1]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: curl[2] });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await waitForStatus(first.apiUrl, id, ['sent'])).status).toBe('sent');

    const outbox = join(dataDir, 'outbox');
    expect(first.output()).toContain(outbox);
    const eml = readdirSync(outbox).find((f) => f.includes(id) && f.endsWith('.eml'))!;
    const parsed = await simpleParser(readFileSync(join(outbox, eml)));
    expect(parsed.subject).toBe('Hello from Posthaste');
    expect(parsed.text?.trim()).toBe('It works.');

    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toMatch(/stopped/);

    const second = await start(dataDir);
    try {
      const again = await fetch(`${second.apiUrl}/v1/emails/${id}`);
      expect(again.status).toBe(200);
      expect(((await again.json()) as { status: string }).status).toBe('sent');
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
  }, 60_000);

  it('keeps queued messages, large ones included, across a restart when the relay was down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'posthaste-data-'));
    // Nothing listens on port 9: every delivery attempt fails and the messages stay queued.
    const first = await start(dataDir, { SMTP_URL: 'smtp://127.0.0.1:9?tls=none' });
    const big = Buffer.alloc(400 * 1024, 7);
    const ids: string[] = [];
    for (const attachments of [[], [{ filename: 'big.bin', content: big.toString('base64') }]]) {
      const res = await fetch(`${first.apiUrl}/v1/emails`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'a@example.com', to: 'b@example.org', subject: 'survives', text: 'x', attachments }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // Stop once every message has been tried and put back for a retry.
    for (const id of ids) {
      await waitFor(
        async () => {
          const record = (await (await fetch(`${first.apiUrl}/v1/emails/${id}`)).json()) as { events: { type: string }[] };
          return record.events.some((e) => e.type === 'retry') ? true : undefined;
        },
        20_000,
        `a failed attempt of ${id}`,
      );
    }
    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toMatch(/saved 2 queued message/);

    const second = await start(dataDir);
    try {
      for (const id of ids) expect((await waitForStatus(second.apiUrl, id, ['sent'], 60_000)).status).toBe('sent');
      const eml = readdirSync(join(dataDir, 'outbox')).find((f) => f.includes(ids[1]!) && f.endsWith('.eml'))!;
      const parsed = await simpleParser(readFileSync(join(dataDir, 'outbox', eml)));
      expect(parsed.attachments[0]!.content.equals(big)).toBe(true);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 120_000);

  it('with keys required, prints a curl that carries a working key, the same one on the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'posthaste-data-'));
    const first = await start(dataDir, { POSTHASTE_REQUIRE_API_KEY: '1' });
    try {
      const curl = /curl -s (\S+) -H 'content-type: application\/json' -H 'authorization: (Bearer ph_\S+)' -d '(.+)'/.exec(first.output())!;
      expect(curl, first.output()).not.toBeNull();
      const refused = await fetch(curl[1]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: curl[3] });
      expect(refused.status).toBe(401);
      const res = await fetch(curl[1]!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: curl[2]! }, body: curl[3] });
      expect(res.status).toBe(202);
      expect(await stop(first.child)).toBe(0);
      const second = await start(dataDir, { POSTHASTE_REQUIRE_API_KEY: '1' });
      expect(second.output()).toContain(curl[2]!);
      expect(await stop(second.child)).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }
  }, 60_000);

  it('keeps to ALLOWED_SENDER_DOMAINS as the deployed API does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'posthaste-data-'));
    const started = await start(dataDir, { ALLOWED_SENDER_DOMAINS: 'example.com' });
    try {
      const send = (from: string) =>
        fetch(`${started.apiUrl}/v1/emails`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from, to: 'b@example.org', subject: 'policy', text: 'x' }),
        });
      const refused = await send('ceo@elsewhere.test');
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'sender_not_allowed' });
      expect((await send('app@example.com')).status).toBe(202);
    } finally {
      expect(await stop(started.child)).toBe(0);
    }
  }, 60_000);

  it.each([
    ['an unknown transport', { TRANSPORT: 'bogus' }, /^posthaste: TRANSPORT must be one of smtp, ses, not bogus$/m],
    ['a relay URL that is not one', { SMTP_URL: 'http://relay.example.com' }, /^posthaste: SMTP_URL scheme must be smtp or smtps/m],
    ['a port that is not one', { PORT: 'abc' }, /^posthaste: PORT must be a port number/m],
  ])('stops with one line and exit code 2 on %s', async (_case, env, line) => {
    const { code, output } = await run(env);
    expect(code).toBe(2);
    expect(output).toMatch(line);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('stops with one line and exit code 2 when the port is in use', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'posthaste-data-'));
    const first = await start(dataDir);
    try {
      const port = new URL(first.apiUrl).port;
      const { code, output } = await run({ PORT: port });
      expect(code).toBe(2);
      expect(output).toMatch(new RegExp(`^posthaste: port ${port} is in use`, 'm'));
    } finally {
      expect(await stop(first.child)).toBe(0);
    }
  }, 60_000);
});

/** Runs `npm start`'s entry point to its end (a start that fails) and returns its exit code and output. */
async function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'posthaste-data-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: '0', POSTHASTE_DATA: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, output };
}
