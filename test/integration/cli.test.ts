import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { runCli } from '../helpers/cli.js';
import { waitFor, waitForStatus } from '../helpers/http.js';

let pipeline: Pipeline;
let dir: string;
/** Recipients whose messages the relay defers (421 after DATA) for as long as they are in this set. */
const deferred = new Set<string>();

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { PATH: process.env.PATH!, POSTHASTE_URL: pipeline.apiUrl, ...env });

const deliveriesOf = (id: string) => pipeline.sink!.received.filter((m) => m.raw.toString('latin1').includes(`X-Posthaste-Id: ${id}`));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posthaste-cli-'));
  pipeline = await startPipeline({
    log: () => silentLog,
    maxReceives: 2,
    visibilityTimeoutSeconds: 2,
    retryBaseSeconds: 0,
    leaseSeconds: 2,
    sink: {
      faults: {
        onData: (_raw, session) =>
          session.envelope.rcptTo.some((r) => deferred.has(r.address)) ? { responseCode: 421, message: 'Try again later' } : undefined,
      },
    },
  });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('npx posthaste', () => {
  it('prints help for the program and for each command, with exit code 0', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: posthaste/);
    for (const command of ['send', 'status', 'bounces', 'emails list', 'events', 'suppressions list', 'dlq redrive']) {
      const help = await cli([...command.split(' '), '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Usage: posthaste ${command}`));
    }
  });

  it('sends from flags, prints the id, and shows the status as a table or JSON', async () => {
    const sent = await cli([
      'send',
      '--from',
      'App <app@example.com>',
      '--to',
      'flags@example.org',
      '--to',
      'two@example.org',
      '--subject',
      'From flags',
      '--text',
      'hello',
      '--tag',
      'kind=test',
      '--json',
    ]);
    expect(sent.code).toBe(0);
    const { id, status } = JSON.parse(sent.stdout);
    expect(status).toBe('queued');
    await waitForStatus(pipeline.apiUrl, id, ['sent']);
    const shown = await cli(['status', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id +${id}$`, 'm'));
    expect(shown.stdout).toMatch(/^status +sent$/m);
    expect(shown.stdout).toMatch(/ sent +flags@example\.org,two@example\.org/);
    const json = JSON.parse((await cli(['--json', 'status', id])).stdout);
    expect(json).toMatchObject({ id, status: 'sent', to: ['flags@example.org', 'two@example.org'], tags: [{ name: 'kind', value: 'test' }] });
  });

  it('finds messages in the email log by recipient and status, and refuses an unknown status', async () => {
    const sent = await cli([
      'send',
      '--from',
      'app@example.com',
      '--to',
      'log@example.org',
      '--cc',
      'Log.Copy@example.org',
      '--subject',
      'Logged',
      '--text',
      'hi',
      '--json',
    ]);
    const { id } = JSON.parse(sent.stdout);
    await waitForStatus(pipeline.apiUrl, id, ['sent']);
    const listed = await cli(['emails', 'list', '--recipient', 'log.copy@example.org', '--status', 'sent', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((m: { id: string }) => m.id)).toEqual([id]);
    const shown = await cli(['emails', 'list', '--recipient', 'log@example.org']);
    expect(shown.stdout).toMatch(new RegExp(`sent +${id} +log@example\\.org, Log\\.Copy@example\\.org +Logged`));
    const refused = await cli(['emails', 'list', '--status', 'lost']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/status: must be one of/);
    expect((await cli(['bounces', '--type', 'complaint', '--json'])).code).toBe(0);
    expect((await cli(['events', '--type', 'email.lost'])).code).toBe(1);
  });

  it('sends an .eml file with its attachment and X- headers', async () => {
    const eml = join(dir, 'welcome.eml');
    writeFileSync(
      eml,
      [
        'From: Shop <shop@example.com>',
        'To: Ann <ann@example.org>',
        'Subject: =?UTF-8?B?V2lsbGtvbW1lbiwgSsO8cmdlbg==?=',
        'X-Campaign: spring',
        'X-Folded: a long value',
        '  folded onto a second line',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: multipart/alternative; boundary="a1"',
        '',
        '--a1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello Ann',
        '--a1',
        'Content-Type: multipart/related; boundary="r1"',
        '',
        '--r1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Hello Ann</p><img src="cid:logo@shop">',
        '--r1',
        'Content-Type: image/png; name="logo.png"',
        'Content-Disposition: inline; filename="logo.png"',
        'Content-ID: <logo@shop>',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('PNG bytes').toString('base64'),
        '--r1--',
        '--a1--',
        '--b1',
        'Content-Type: application/pdf; name="invoice.pdf"',
        'Content-Disposition: attachment; filename="invoice.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 invoice').toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const sent = await cli(['--json', 'send', eml]);
    expect(sent.code, sent.stderr).toBe(0);
    const { id } = JSON.parse(sent.stdout);
    await waitForStatus(pipeline.apiUrl, id, ['sent']);
    const parsed = await simpleParser(deliveriesOf(id)[0]!.raw);
    expect(parsed.subject).toBe('Willkommen, Jürgen');
    expect(parsed.text?.trim()).toBe('Hello Ann');
    expect(parsed.headers.get('x-campaign')).toBe('spring');
    expect(parsed.headers.get('x-folded')).toBe('a long value  folded onto a second line');
    const sentRaw = deliveriesOf(id)[0]!.raw.toString();
    expect(sentRaw).toMatch(/^Content-ID: <logo@shop>/m);
    const reread = await simpleParser(sentRaw, { keepCidLinks: true });
    expect(reread.html).toContain('src="cid:logo@shop"');
    const invoice = parsed.attachments.find((a) => a.filename === 'invoice.pdf')!;
    expect(invoice.content.toString()).toBe('%PDF-1.4 invoice');
  });

  it('sends a JSON array as batches, prints a result per item, and exits 1 when some were refused', async () => {
    const file = join(dir, 'batch.json');
    const emails = Array.from({ length: 120 }, (_, i) => ({
      from: 'app@example.com',
      to: i === 105 ? 'broken' : `bulk${i}@example.org`,
      subject: `n${i}`,
      text: 'x',
    }));
    writeFileSync(file, JSON.stringify(emails));
    const out = await cli(['send', file]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/119 accepted, 1 refused/);
    expect(out.stdout).toMatch(/^105 +refused +\[105\]\.to: is not an email address$/m);
    const json = await cli(['--json', 'send', file]);
    const result = JSON.parse(json.stdout);
    expect(result.results).toHaveLength(120);
    expect(result.results[119]).toMatchObject({ index: 119, status: 'queued' });
  });

  it('explains a refused request with its fields and exit code 1', async () => {
    const out = await cli(['send', '--from', 'app@example.com', '--to', 'nobody', '--subject', 's', '--text', 't']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^error: .*\(422 validation_failed\)$/m);
    expect(out.stderr).toMatch(/^ {2}to\[0\]: is not an email address$/m);
  });

  it('schedules and cancels', async () => {
    const at = new Date(Date.now() + 3600_000).toISOString();
    const sent = await cli(['--json', 'send', '--from', 'app@example.com', '--to', 'later@example.org', '--subject', 's', '--text', 't', '--scheduled-at', at]);
    const { id, status, scheduledAt } = JSON.parse(sent.stdout);
    expect([status, scheduledAt]).toEqual(['scheduled', at]);
    const canceled = await cli(['cancel', id]);
    expect(canceled).toMatchObject({ code: 0, stdout: `${id} canceled\n` });
  });

  it('exits 2 on a usage error and 3 when the API cannot be reached or is not configured', async () => {
    expect((await cli(['send', '--colour', 'red'])).code).toBe(2);
    expect((await cli(['send', join(dir, 'missing.json')])).code).toBe(2);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const unreachable = await cli(['status', 'x'], { POSTHASTE_URL: `http://127.0.0.1:${port}` });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/ECONNREFUSED/);
    const unset = await cli(['status', 'x'], { POSTHASTE_URL: '' });
    expect(unset.code).toBe(3);
    expect(unset.stderr).toMatch(/POSTHASTE_URL/);
  });

  it('redrives the DLQ so a message whose retries ran out is delivered after all', async () => {
    deferred.add('flaky@example.org');
    const sent = JSON.parse(
      (await cli(['--json', 'send', '--from', 'app@example.com', '--to', 'flaky@example.org', '--subject', 'redrive me', '--text', 't'])).stdout,
    );
    const failed = await waitForStatus(pipeline.apiUrl, sent.id, ['failed'], 20_000);
    expect(failed.failureReason).toMatch(/^retries exhausted/);
    const dlqDepth = () => pipeline.queueBodies('dlq').length;
    await waitFor(() => (dlqDepth() === 1 ? true : undefined), 15_000, 'the message to reach the DLQ');

    deferred.delete('flaky@example.org');
    const env = {
      ...pipeline.env,
      POSTHASTE_SQS_ENDPOINT: pipeline.aws.endpoints!.sqs!,
      POSTHASTE_DYNAMODB_ENDPOINT: pipeline.aws.endpoints!.dynamodb!,
      AWS_REGION: 'us-east-1',
    };
    const redriven = await cli(['--json', 'dlq', 'redrive'], env);
    expect(redriven.code, redriven.stderr).toBe(0);
    // Under load a slow batch can push another, already-sent message past its receive limit;
    // its redriven copy is harmless (the worker drops copies of finished messages).
    const report = JSON.parse(redriven.stdout);
    expect(report.moved).toBeGreaterThanOrEqual(1);
    expect(report).toMatchObject({ requeued: 1, failed: 0 });
    const record = await waitForStatus(pipeline.apiUrl, sent.id, ['sent'], 15_000);
    expect(record.events.map((e: any) => e.type)).toContain('requeued');
    expect(deliveriesOf(sent.id)).toHaveLength(1);
    expect(dlqDepth()).toBe(0);
  });

  it('says what is missing when dlq redrive has no queue configured', async () => {
    const out = await cli(['dlq', 'redrive']);
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/QUEUE_URL/);
  });
});
