import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Log } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { type SmtpSink, startSmtpSink } from '../../local/smtp-sink.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { postJson, waitForStatus } from '../helpers/http.js';

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

describe('secrets stay out of logs', () => {
  it('never logs the SMTP password, through deliveries, retries, DLQ moves and AUTH failures', async () => {
    const ok = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'b@example.org', subject: 'x', text: 'x' });
    const busy = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'busy@example.org', subject: 'x', text: 'x' });
    const refused = await postJson(`${badRelayPipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'b@example.org', subject: 'x', text: 'x' });
    await waitForStatus(pipeline.apiUrl, ok.body.id, ['sent']);
    await waitForStatus(pipeline.apiUrl, busy.body.id, ['failed'], 40_000);
    await waitForStatus(badRelayPipeline.apiUrl, refused.body.id, ['failed'], 40_000);
    const all = lines.join('\n');
    expect(all).toMatch(/retried|retry/i);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(encodeURIComponent(PASSWORD));
    expect(all).not.toContain(Buffer.from(`\u0000relay\u0000${PASSWORD}`).toString('base64'));
  }, 120_000);
});
