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
});
