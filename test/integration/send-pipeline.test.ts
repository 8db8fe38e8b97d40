import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/compose/clients.js';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import type { SinkFaults } from '../../local/smtp-sink.js';
import { getJson, postJson, waitFor, waitForStatus } from '../helpers/http.js';
import { sendQueueDrained } from '../helpers/send-queue.js';

/** Faults the relay injects, changed per test. */
const faults: { rcpt: Map<string, number[]>; data: (number | 'drop')[] } = { rcpt: new Map(), data: [] };
const sinkFaults: SinkFaults = {
  onRcpt(address) {
    const codes = faults.rcpt.get(address);
    const code = codes?.shift();
    return code ? { responseCode: code, message: code >= 500 ? 'No such user here' : 'Mailbox busy, try later' } : undefined;
  },
  onData() {
    const next = faults.data.shift();
    if (next === 'drop') return 'drop';
    return next ? { responseCode: next, message: 'Service not available, closing channel' } : undefined;
  },
};

let pipeline: Pipeline;
let outbox: string;

const pixel = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
const report = Buffer.from('%PDF-1.7 quarterly report \u00e9'.repeat(50));

const countFor = (id: string) => pipeline.sink!.received.filter((m) => m.raw.toString('latin1').includes(`X-Posthaste-Id: ${id}`)).length;
const queueDepth = () => pipeline.queueBodies('send').length;

beforeAll(async () => {
  outbox = mkdtempSync(join(tmpdir(), 'posthaste-outbox-'));
  pipeline = await startPipeline({
    outbox,
    sink: { faults: sinkFaults },
    visibilityTimeoutSeconds: 2,
    retryBaseSeconds: 1,
    retryMaxSeconds: 1,
    leaseSeconds: 5,
    log: () => silentLog,
  });
});

afterAll(async () => {
  await pipeline?.stop();
});

beforeEach(() => {
  faults.rcpt.clear();
  faults.data.length = 0;
});

describe('send pipeline on loopback', () => {
  it('delivers a rich message over HTTP → SQS → SMTP exactly as requested', async () => {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: { name: 'Zoë Ünïcode', email: 'zoe@example.com' },
      to: ['Ådne Ørsted <adne@example.org>'],
      cc: 'cc@example.org',
      bcc: 'secret@example.org',
      subject: 'Grüße — Quartalsbericht',
      text: 'Hallo Ådne,\nder Bericht ist im Anhang.',
      html: '<p>Hallo Ådne, <img src="cid:logo@posthaste"></p>',
      attachments: [
        { filename: 'Bericht Q3 – final.pdf', content: report.toString('base64'), contentType: 'application/pdf' },
        { filename: 'logo.png', content: pixel.toString('base64'), contentType: 'image/png', contentId: 'logo@posthaste' },
      ],
      headers: { 'X-Campaign': 'q3' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued' });
    const id = res.body.id;

    const record = await waitForStatus(pipeline.apiUrl, id, ['sent', 'failed']);
    expect(record.status).toBe('sent');
    expect(record.relayResponse).toMatch(/^250 /);
    expect(record.events.map((e: any) => e.type)).toEqual(['queued', 'sent']);

    const received = pipeline.sink!.received.find((m) => m.raw.toString('latin1').includes(id))!;
    expect(received.envelope).toEqual({ from: 'zoe@example.com', to: ['adne@example.org', 'cc@example.org', 'secret@example.org'] });
    expect(received.raw.toString('latin1')).not.toMatch(/^bcc:/im);
    expect(received.raw.toString('latin1')).not.toContain('secret@example.org');

    const parsed = await simpleParser(received.raw);
    expect(parsed.subject).toBe('Grüße — Quartalsbericht');
    expect(parsed.from?.value[0]).toEqual({ name: 'Zoë Ünïcode', address: 'zoe@example.com' });
    expect((parsed.to as any).value[0]).toEqual({ name: 'Ådne Ørsted', address: 'adne@example.org' });
    expect(parsed.text?.trim()).toBe('Hallo Ådne,\nder Bericht ist im Anhang.');
    expect(parsed.html).toContain('Hallo Ådne');
    const pdf = parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdf.filename).toBe('Bericht Q3 – final.pdf');
    expect(pdf.content.equals(report)).toBe(true);
    const logo = parsed.attachments.find((a) => a.contentId === '<logo@posthaste>')!;
    expect(logo.content.equals(pixel)).toBe(true);
    expect(parsed.headers.get('x-posthaste-id')).toBe(id);

    // The local outbox keeps it as an .eml file.
    const file = readdirSync(outbox).find((f) => f.includes(id) && f.endsWith('.eml'))!;
    expect(readFileSync(join(outbox, file)).equals(received.raw)).toBe(true);
  });

  it('retries a 451 and a 421 and then delivers exactly once', async () => {
    faults.rcpt.set('busy@example.org', [451]);
    faults.data.push(421);
    const { body } = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'busy@example.org', subject: 'retry me', text: 'x' });
    const record = await waitForStatus(pipeline.apiUrl, body.id, ['sent', 'failed'], 20_000);
    expect(record.status).toBe('sent');
    expect(record.events.filter((e: any) => e.type === 'retry')).toHaveLength(2);
    expect(record.events.find((e: any) => e.type === 'retry').response).toMatch(/451/);
    expect(countFor(body.id)).toBe(1);
  });

  it('retries when the relay drops the connection in the middle of DATA', async () => {
    faults.data.push('drop');
    const { body } = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'drop@example.org', subject: 'drop', text: 'x' });
    const record = await waitForStatus(pipeline.apiUrl, body.id, ['sent', 'failed'], 20_000);
    expect(record.status).toBe('sent');
    expect(record.events.some((e: any) => e.type === 'retry')).toBe(true);
    expect(countFor(body.id)).toBe(1);
  });

  it('fails a 550 at once with the relay reply, without retrying', async () => {
    faults.rcpt.set('nobody@example.org', [550, 550, 550]);
    const { body } = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'nobody@example.org', subject: 'x', text: 'x' });
    const record = await waitForStatus(pipeline.apiUrl, body.id, ['sent', 'failed']);
    expect(record.status).toBe('failed');
    expect(record.attempts).toBe(1);
    expect(record.events.some((e: any) => e.type === 'recipient_rejected' && /550/.test(e.response))).toBe(true);
    expect(faults.rcpt.get('nobody@example.org')).toHaveLength(2);
    expect(countFor(body.id)).toBe(0);
  });

  it('delivers to the others when one recipient gets a 550, and retries only a deferred one', async () => {
    faults.rcpt.set('gone@example.org', [550]);
    faults.rcpt.set('later@example.org', [451]);
    const { body } = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'a@example.com',
      to: ['ok@example.org', 'gone@example.org', 'later@example.org'],
      subject: 'partial',
      text: 'x',
    });
    const record = await waitForStatus(pipeline.apiUrl, body.id, ['sent', 'failed'], 20_000);
    expect(record.status).toBe('sent');
    const deliveries = pipeline.sink!.received.filter((m) => m.raw.toString('latin1').includes(body.id)).map((m) => m.envelope.to);
    // First attempt reached ok@ only; the retry went to later@ only: nobody got it twice.
    expect(deliveries).toEqual([['ok@example.org'], ['later@example.org']]);
  });

  it('never sends a message again when its queue message is delivered twice', async () => {
    const { body } = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'once@example.org', subject: 'once', text: 'x' });
    await waitForStatus(pipeline.apiUrl, body.id, ['sent']);
    const request = {
      from: { email: 'a@example.com' },
      to: [{ email: 'once@example.org' }],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 'once',
      text: 'x',
      attachments: [],
      headers: {},
      tags: [],
    };
    const sqs = sqsClient(pipeline.aws);
    await sqs.send(new SendMessageCommand({ QueueUrl: pipeline.queueUrl, MessageBody: JSON.stringify({ v: 1, id: body.id, request }) }));
    const batches = pipeline.poller!.batches;
    await waitFor(() => (pipeline.poller!.batches > batches && queueDepth() === 0 ? true : undefined), 10_000, 'the duplicate to be consumed');
    expect(countFor(body.id)).toBe(1);
  });

  describe('bad input gets a 4xx naming the problem, and nothing is queued', () => {
    const cases: [string, string | object, Record<string, string>, number, string, string?][] = [
      ['malformed JSON', '{"from": "a@example.com",', {}, 400, 'invalid_json'],
      ['an empty body', '', {}, 400, 'invalid_json'],
      ['a form body', 'from=a', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
      ['missing fields', { from: 'a@example.com' }, {}, 422, 'validation_failed', 'to'],
      [
        'a header injection in the subject',
        { from: 'a@example.com', to: 'b@example.org', subject: 'x\r\nBcc: c@evil.test', text: 'x' },
        {},
        422,
        'validation_failed',
        'subject',
      ],
      [
        'a header injection in an address',
        { from: 'a@example.com', to: 'b@example.org>\r\nRCPT TO:<c@evil.test', subject: 'x', text: 'x' },
        {},
        422,
        'validation_failed',
        'to',
      ],
      [
        'a header injection in a custom header',
        { from: 'a@example.com', to: 'b@example.org', subject: 'x', text: 'x', headers: { 'X-A': '1\nBcc: c@evil.test' } },
        {},
        422,
        'validation_failed',
        'headers.X-A',
      ],
      ['an invalid address', { from: 'a@example.com', to: 'not an address', subject: 'x', text: 'x' }, {}, 422, 'validation_failed', 'to'],
    ];
    it.each(cases)('%s', async (_name, body, headers, status, code, field) => {
      const before = await pipeline.fauxqs.inspectQueue('posthaste-send')!;
      const sentBefore = pipeline.sink!.received.length;
      const res = await fetch(`${pipeline.apiUrl}/v1/emails`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as any;
      expect(problem).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
      if (field) expect(problem.field).toBe(field);
      const after = pipeline.fauxqs.inspectQueue('posthaste-send')!;
      expect(after.messages.ready.length + after.messages.delayed.length).toBe(before.messages.ready.length + before.messages.delayed.length);
      expect(pipeline.sink!.received.length).toBe(sentBefore);
    });
  });

  it('answers 404 problem+json for an unknown id', async () => {
    const res = await getJson(`${pipeline.apiUrl}/v1/emails/01a2b3c4-0000-7000-8000-00000000dead`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('not_found');
  });

  it('replays the first response for a repeated Idempotency-Key and refuses another body with 409', async () => {
    const email = { from: 'a@example.com', to: 'idem@example.org', subject: 'charge receipt', text: 'x' };
    const headers = { 'Idempotency-Key': `order-${Date.now()}` };
    const first = await postJson(`${pipeline.apiUrl}/v1/emails`, email, headers);
    const second = await postJson(`${pipeline.apiUrl}/v1/emails`, email, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    const conflict = await postJson(`${pipeline.apiUrl}/v1/emails`, { ...email, subject: 'another' }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('idempotency_key_conflict');
    await waitForStatus(pipeline.apiUrl, first.body.id, ['sent']);
    // A second copy queued by the replay would have reached the relay by now.
    await sendQueueDrained(pipeline);
    const toIdem = pipeline.sink!.received.filter((m) => m.envelope.to.includes('idem@example.org'));
    expect(toIdem).toHaveLength(1);
  });
});
