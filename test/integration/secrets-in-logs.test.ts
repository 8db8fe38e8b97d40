import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Log } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { type SmtpSink, startSmtpSink } from '../../local/smtp-sink.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { postJson, waitFor, waitForStatus } from '../helpers/http.js';

const PASSWORD = 'S3cret-relay-pass-7f2c';
const lines: string[] = [];
const capture =
  (component: string): Log =>
  (level, message, fields) =>
    lines.push(`${level} [${component}] ${message} ${JSON.stringify(fields ?? {})}`);

let relay: SmtpSink;
let pipeline: Pipeline;
let badRelayPipeline: Pipeline;

beforeAll(async () => {
  // Everything printed anywhere is captured too, not only what goes through our logger.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
  const cert = selfSignedCertificate();
  relay = await startSmtpSink({
    tls: cert,
    auth: { user: 'relay', pass: PASSWORD },
    faults: { onRcpt: (a) => (a.startsWith('busy') ? { responseCode: 451, message: 'later' } : undefined) },
  });
  const common = { visibilityTimeoutSeconds: 1, retryBaseSeconds: 0, maxReceives: 2, leaseSeconds: 1, log: capture };
  pipeline = await startPipeline({ ...common, smtpUrl: `smtp://relay:${PASSWORD}@127.0.0.1:${relay.port}`, smtpOverrides: { ca: cert.cert, timeoutMs: 5000 } });
  // A relay that refuses the password: errors about AUTH must not echo it either.
  badRelayPipeline = await startPipeline({
    ...common,
    smtpUrl: `smtp://relay:${PASSWORD}x@127.0.0.1:${relay.port}`,
    smtpOverrides: { ca: cert.cert, timeoutMs: 5000 },
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await badRelayPipeline?.stop();
  await relay?.stop();
  vi.restoreAllMocks();
});

/**
 * A message whose retries ran out ends `failed`, or parked in the DLQ when the last receive
 * found an earlier, slow attempt still holding the lease (a loaded machine makes the 1 s
 * visibility timeout of these pipelines shorter than an AUTH failure).
 */
const finished = (p: Pipeline, id: string) =>
  waitFor(
    async () => {
      const res = await fetch(`${p.apiUrl}/v1/emails/${id}`);
      const status = ((await res.json()) as { status?: string }).status;
      return status === 'failed' || p.queueBodies('dlq').some((body) => body.includes(id)) ? true : undefined;
    },
    40_000,
    `${id} to fail or reach the DLQ`,
  );

describe('secrets stay out of logs', () => {
  it('never logs the SMTP password, through deliveries, retries, DLQ moves and AUTH failures', async () => {
    const ok = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'b@example.org', subject: 'x', text: 'x' });
    const busy = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'busy@example.org', subject: 'x', text: 'x' });
    const refused = await postJson(`${badRelayPipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'b@example.org', subject: 'x', text: 'x' });
    await waitForStatus(pipeline.apiUrl, ok.body.id, ['sent']);
    await Promise.all([finished(pipeline, busy.body.id), finished(badRelayPipeline, refused.body.id)]);
    const all = lines.join('\n');
    expect(all).toMatch(/retried|retry/i);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(encodeURIComponent(PASSWORD));
    expect(all).not.toContain(Buffer.from(`\u0000relay\u0000${PASSWORD}`).toString('base64'));
  }, 120_000);

  it('never logs a webhook signing secret, through creation, rotation, failed attempts and retries', async () => {
    const created = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url: 'http://127.0.0.1:9/refused', events: ['email.sent'] });
    expect(created.status).toBe(201);
    const rotated = await postJson(`${pipeline.apiUrl}/v1/webhooks/${created.body.id}/rotate-secret`, {});
    const sent = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'c@example.org', subject: 'x', text: 'x' });
    await waitForStatus(pipeline.apiUrl, sent.body.id, ['sent']);
    // A positive signal that the dispatcher tried and logged the failure (retried on the local schedule).
    await waitFor(() => (lines.some((l) => l.includes('webhook attempt failed')) ? true : undefined), 20_000, 'a failed webhook attempt in the logs');
    const all = lines.join('\n');
    for (const secret of [created.body.secret, rotated.body.secret] as string[]) {
      expect(secret).toMatch(/^whsec_/);
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.slice('whsec_'.length));
    }
  }, 60_000);
});
