/**
 * Resend's own SDK (the `resend` package, unchanged) against the local pipeline, configured
 * the way an app switches over: RESEND_BASE_URL and RESEND_API_KEY, nothing else. Mail goes
 * through the same queue and deliver worker as /v1 and lands in the outbox as .eml files,
 * parsed back here.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type ParsedMail, simpleParser } from 'mailparser';
import { Resend } from 'resend';
import { Webhook as SvixWebhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbApiKeyStore } from '../../functions/adapters/dynamodb-api-key-store.js';
import { documentClient } from '../../functions/adapters/dynamodb-document.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { createApiKey } from '../../functions/core/api-key-admin.js';
import { silentLog } from '../../functions/core/log.js';
import { systemClock } from '../../functions/core/ports.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { postJson, waitFor } from '../helpers/http.js';

let pipeline: Pipeline;
let outbox: string;
let files: Server;
let filesUrl: string;
let resend: Resend;
/** What the app's webhook handler received: headers and the raw body. */
const hooks: { headers: Record<string, string>; body: string }[] = [];

const report = Buffer.from('%PDF-1.7 quarterly report\n'.repeat(40));
const logo = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

beforeAll(async () => {
  outbox = mkdtempSync(join(tmpdir(), 'posthaste-resend-'));
  pipeline = await startPipeline({ outbox, scheduleSweepMs: 250, log: () => silentLog });
  // The app's own server on this machine, its files and its webhook handler (local mode lets plain http to loopback through).
  files = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/webhooks/resend') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        hooks.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(200).end();
      });
      return;
    }
    if (req.url === '/files/report.pdf') res.writeHead(200, { 'content-type': 'application/pdf' }).end(report);
    else res.writeHead(404).end('no such file');
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  vi.stubEnv('RESEND_BASE_URL', pipeline.apiUrl);
  vi.stubEnv('RESEND_API_KEY', 're_local_anything');
  resend = new Resend();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  files?.closeAllConnections();
  await new Promise((r) => files?.close(r));
  await pipeline?.stop();
});

/** The .eml of message `id`, once the deliver worker wrote it. */
const delivered = (id: string): Promise<ParsedMail> =>
  waitFor(
    async () => {
      const name = readdirSync(outbox).find((f) => f.includes(id) && f.endsWith('.eml'));
      return name ? simpleParser(readFileSync(join(outbox, name)), { keepCidLinks: true }) : undefined;
    },
    15_000,
    `the .eml of ${id}`,
  );

const lastEvent = async (id: string, wanted: string) =>
  waitFor(
    async () => {
      const { data } = await resend.emails.get(id);
      return data?.last_event === wanted ? data : undefined;
    },
    15_000,
    `${id} to reach ${wanted}`,
  );

/** Records with this subject in the messages table: written before any answer, so their absence is known at once. */
async function recordsWithSubject(subject: string): Promise<number> {
  const out = await documentClient(dynamoClient(pipeline.aws)).send(
    new ScanCommand({ TableName: pipeline.env.MESSAGES_TABLE!, FilterExpression: 'subject = :s', ExpressionAttributeValues: { ':s': subject } }),
  );
  return out.Items?.length ?? 0;
}

describe('the resend SDK, pointed at npm start with RESEND_BASE_URL', () => {
  it('sends text, html, attachments (content, inline by content_id, and by path), tags, headers and reply_to, as sent', async () => {
    const { data, error } = await resend.emails.send({
      from: 'Acme <onboarding@acme.test>',
      to: ['Ann Reader <ann@example.org>', 'bob@example.org'],
      cc: 'carol@example.org',
      bcc: ['dan@example.org'],
      replyTo: 'support@acme.test',
      subject: 'Your report — Q3',
      text: 'Hello Ann, the report is attached.',
      html: '<p>Hello Ann, <img src="cid:logo"></p>',
      headers: { 'X-Entity-Ref-ID': '123456' },
      tags: [{ name: 'category', value: 'reports' }],
      attachments: [
        { filename: 'notes.txt', content: Buffer.from('plain notes') },
        { filename: 'logo.png', content: logo.toString('base64'), contentId: 'logo' },
        { path: `${filesUrl}/files/report.pdf` },
      ],
    });
    expect(error).toBeNull();
    expect(data).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const mail = await delivered(data!.id);
    expect(mail.subject).toBe('Your report — Q3');
    expect(mail.from?.value).toEqual([{ name: 'Acme', address: 'onboarding@acme.test' }]);
    expect((Array.isArray(mail.to) ? mail.to : [mail.to!]).flatMap((a) => a.value.map((v) => v.address))).toEqual(['ann@example.org', 'bob@example.org']);
    expect(mail.replyTo?.value.map((v) => v.address)).toEqual(['support@acme.test']);
    expect(mail.headers.get('x-entity-ref-id')).toBe('123456');
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.text?.trim()).toBe('Hello Ann, the report is attached.');
    expect(mail.html).toContain('cid:logo');
    const byName = Object.fromEntries(mail.attachments.map((a) => [a.filename, a]));
    expect(byName['notes.txt']!.content.toString()).toBe('plain notes');
    expect(byName['logo.png']).toMatchObject({ contentType: 'image/png', cid: 'logo', related: true });
    expect(byName['logo.png']!.content.equals(logo)).toBe(true);
    expect(byName['report.pdf']).toMatchObject({ contentType: 'application/pdf' });
    expect(byName['report.pdf']!.content.equals(report)).toBe(true);

    const sent = await lastEvent(data!.id, 'sent');
    expect(sent).toMatchObject({
      object: 'email',
      id: data!.id,
      from: 'onboarding@acme.test',
      to: ['ann@example.org', 'bob@example.org'],
      cc: ['carol@example.org'],
      bcc: ['dan@example.org'],
      subject: 'Your report — Q3',
      tags: [{ name: 'category', value: 'reports' }],
      scheduled_at: null,
      message_id: `<${data!.id}@acme.test>`,
    });
    expect(mail.messageId).toBe(sent.message_id);
  });

  it('answers a retry with the same Idempotency-Key with the first id and sends once; another body under it is refused', async () => {
    const email = { from: 'app@acme.test', to: 'once@example.org', subject: 'exactly once', text: 'one copy' };
    const key = `order-${Date.now()}`;
    const first = await resend.emails.send(email, { idempotencyKey: key });
    const again = await resend.emails.send(email, { idempotencyKey: key });
    expect(first.error).toBeNull();
    expect(again.data).toEqual(first.data);
    expect(await recordsWithSubject('exactly once')).toBe(1);
    const other = await resend.emails.send({ ...email, text: 'a different body' }, { idempotencyKey: key });
    expect(other.error).toMatchObject({ name: 'invalid_idempotent_request', statusCode: 409 });
    await delivered(first.data!.id);
  });

  it('sends a batch (strict by default), refuses a strict batch with an invalid email whole, and sends the valid part of a permissive one', async () => {
    const ok = (n: number) => ({ from: 'app@acme.test', to: `batch${n}@example.org`, subject: 'batch', text: `item ${n}` });
    const { data, error } = await resend.batch.send([ok(1), ok(2)]);
    expect(error).toBeNull();
    expect(data!.data).toHaveLength(2);
    for (const { id } of data!.data) expect((await delivered(id)).text?.trim()).toMatch(/^item [12]$/);

    const strict = await resend.batch.send([
      { ...ok(3), subject: 'strict batch' },
      { ...ok(4), subject: 'strict batch', to: 'not an address' },
    ]);
    expect(strict.error).toMatchObject({ name: 'validation_error', statusCode: 422, message: expect.stringContaining('[1].to') });
    expect(await recordsWithSubject('strict batch')).toBe(0);

    const permissive = await resend.batch.send([{ ...ok(5), to: 'nope' }, ok(6)], { batchValidation: 'permissive' });
    expect(permissive.error).toBeNull();
    expect(permissive.data!.data).toHaveLength(1);
    expect(permissive.data!.errors).toEqual([{ index: 0, message: expect.stringContaining('`[0].to`') }]);
    expect((await delivered(permissive.data!.data[0]!.id)).to).toMatchObject({ value: [{ address: 'batch6@example.org' }] });
  });

  it('schedules in natural language, reschedules, cancels, and a rescheduled email goes out at its new time', async () => {
    const later = await resend.emails.send({ from: 'app@acme.test', to: 'later@example.org', subject: 'later', text: 'x', scheduledAt: 'in 1 hour' });
    expect(later.error).toBeNull();
    const scheduled = (await resend.emails.get(later.data!.id)).data!;
    expect(scheduled.last_event).toBe('scheduled');
    const inAnHour = Date.parse(scheduled.scheduled_at!) - Date.now();
    expect(inAnHour).toBeGreaterThan(59 * 60_000);
    expect(inAnHour).toBeLessThanOrEqual(60 * 60_000);

    const moved = await resend.emails.update({ id: later.data!.id, scheduledAt: 'tomorrow at 9am' });
    expect(moved).toMatchObject({ data: { object: 'email', id: later.data!.id }, error: null });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await resend.emails.get(later.data!.id)).data!.scheduled_at).toBe(`${tomorrow}T09:00:00.000Z`);

    const canceled = await resend.emails.cancel(later.data!.id);
    expect(canceled).toMatchObject({ data: { object: 'email', id: later.data!.id }, error: null });
    expect((await resend.emails.get(later.data!.id)).data!.last_event).toBe('canceled');
    expect((await resend.emails.update({ id: later.data!.id, scheduledAt: 'in 2 hours' })).error).toMatchObject({ statusCode: 409 });

    const soon = await resend.emails.send({ from: 'app@acme.test', to: 'soon@example.org', subject: 'soon', text: 'x', scheduledAt: 'in 2 days' });
    await resend.emails.update({ id: soon.data!.id, scheduledAt: new Date(Date.now() + 1000).toISOString() });
    await delivered(soon.data!.id);
    await lastEvent(soon.data!.id, 'sent');
  });

  it('lists emails newest first, page by page with after', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3])
      ids.push((await resend.emails.send({ from: 'app@acme.test', to: `list${n}@example.org`, subject: `list ${n}`, text: 'x' })).data!.id);
    const first = await resend.emails.list({ limit: 2 });
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ object: 'list', has_more: true });
    expect(first.data!.data.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    expect(first.data!.data[0]).toMatchObject({ to: ['list3@example.org'], subject: 'list 3', from: 'app@acme.test', last_event: expect.any(String) });
    expect(first.data!.data[0]).not.toHaveProperty('html');
    const next = await resend.emails.list({ limit: 2, after: ids[1]! });
    expect(next.data!.data[0]!.id).toBe(ids[0]);
    expect((await resend.emails.list({ before: ids[0]! })).error).toMatchObject({ name: 'validation_error', message: expect.stringContaining('`before`') });
  });

  it("returns Resend's errors as {error}: a bad address, a missing field, an unknown id, a private attachment URL, an unknown resource", async () => {
    const bad = await resend.emails.send({ from: 'app@acme.test', to: 'not an address', subject: 's', text: 'x' });
    expect(bad).toMatchObject({ data: null, error: { name: 'validation_error', statusCode: 422, message: expect.stringContaining('`to`') } });

    const missing = await resend.emails.send({ from: 'app@acme.test', to: 'a@example.org', text: 'x' } as never);
    expect(missing.error).toMatchObject({ name: 'missing_required_field', statusCode: 422, message: 'Missing `subject` field.' });

    const unknown = await resend.emails.get('0190aaaa-0000-7000-8000-000000000000');
    expect(unknown.error).toMatchObject({ name: 'not_found', statusCode: 404 });

    const privateUrl = await resend.emails.send({
      from: 'app@acme.test',
      to: 'a@example.org',
      subject: 'private attachment',
      text: 'x',
      attachments: [{ path: 'https://169.254.169.254/latest/meta-data/iam' }],
    });
    expect(privateUrl.error).toMatchObject({ name: 'invalid_attachment', statusCode: 422, message: expect.stringContaining('not a public address') });
    expect(await recordsWithSubject('private attachment')).toBe(0);

    const domains = await resend.domains.list();
    expect(domains.error).toMatchObject({ name: 'not_found', statusCode: 404, message: expect.stringContaining('/domains is not served') });
  });

  it("delivers events to a webhook endpoint created with format resend, signed so svix's Webhook.verify accepts them", async () => {
    const created = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url: `${filesUrl}/api/webhooks/resend`, format: 'resend', events: ['email.sent'] });
    expect(created.status).toBe(201);
    const { data } = await resend.emails.send({
      from: 'app@acme.test',
      to: 'hooked@example.org',
      subject: 'hooked',
      text: 'x',
      tags: [{ name: 'kind', value: 'receipt' }],
    });
    const hook = await waitFor(() => hooks.find((h) => h.body.includes(data!.id)), 15_000, 'the email.sent webhook');
    const verifier = new SvixWebhook(created.body.secret);
    expect(() =>
      verifier.verify(hook.body, {
        'svix-id': hook.headers['svix-id']!,
        'svix-timestamp': hook.headers['svix-timestamp']!,
        'svix-signature': hook.headers['svix-signature']!,
      }),
    ).not.toThrow();
    expect(JSON.parse(hook.body)).toEqual({
      type: 'email.sent',
      created_at: expect.any(String),
      data: {
        created_at: expect.any(String),
        email_id: data!.id,
        from: 'app@acme.test',
        to: ['hooked@example.org'],
        subject: 'hooked',
        tags: { kind: 'receipt' },
      },
    });
    await fetch(`${pipeline.apiUrl}/v1/webhooks/${created.body.id}`, { method: 'DELETE' });
  });

  it('takes a Posthaste API key as the Resend key when keys are required, and refuses another with a Resend error name', async () => {
    const guarded = await startPipeline({ requireApiKeys: true, outbox, log: () => silentLog });
    try {
      const { apiKey } = await createApiKey(
        { store: new DynamoDbApiKeyStore(dynamoClient(guarded.aws), guarded.env.API_KEYS_TABLE!), clock: systemClock },
        'resend-app',
      );
      const email = { from: 'app@acme.test', to: 'keyed@example.org', subject: 'keyed', text: 'x' };
      const refused = await new Resend('re_not_ours', { baseUrl: guarded.apiUrl }).emails.send(email);
      expect(refused.error).toMatchObject({ name: 'missing_api_key', statusCode: 401 });
      const accepted = await new Resend(apiKey, { baseUrl: guarded.apiUrl }).emails.send(email);
      expect(accepted.error).toBeNull();
      await delivered(accepted.data!.id);
    } finally {
      await guarded.stop();
    }
  });
});
