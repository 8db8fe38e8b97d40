/**
 * The whole feedback loop on loopback, through both transports: a send to the mailbox
 * simulator's bounce address produces an SES bounce notification, recorded in DynamoDB and
 * turned into a suppression; the next send to that address is suppressed and never reaches
 * the relay; lifting the suppression lets the next one out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { getJson, postJson, waitFor, waitForStatus } from '../helpers/http.js';

const BOUNCE = 'bounce@simulator.amazonses.com';
const COMPLAINT = 'complaint@simulator.amazonses.com';
const SUCCESS = 'success@simulator.amazonses.com';
const REFUSED = 'nobody@example.org';

const message = (to: string | string[]) => ({ from: 'Sender <sender@example.com>', to, subject: 'Feedback loop', text: 'Hello' });

async function send(pipeline: Pipeline, to: string | string[]): Promise<string> {
  const res = await postJson(`${pipeline.apiUrl}/v1/emails`, message(to));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

/** Waits for a status and the history lines that lead to it (a notification may overtake the `sent` line). */
async function settled(pipeline: Pipeline, id: string, status: string, events: string[]) {
  return waitFor(
    async () => {
      const res = await getJson(`${pipeline.apiUrl}/v1/emails/${id}`);
      const types = (res.body.events ?? []).map((e: { type: string }) => e.type);
      return res.body.status === status && events.every((t) => types.includes(t)) ? res.body : undefined;
    },
    15_000,
    `email ${id} to be ${status} with ${events.join(', ')}`,
  );
}

/** What reached the relay: the SMTP sink's envelopes, or the SES stand-in's store. */
async function relayed(pipeline: Pipeline): Promise<number> {
  if (pipeline.sink) return pipeline.sink.received.length;
  const store = (await (await fetch(`${pipeline.ses!.url}/store`)).json()) as { emails: unknown[] };
  return store.emails.length;
}

describe.each(['smtp', 'ses'] as const)('feedback loop through %s', (transport) => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({
      transport,
      log: () => silentLog,
      retryBaseSeconds: 0,
      ...(transport === 'smtp'
        ? {
            sink: {
              faults: {
                onRcpt: (address) =>
                  address === REFUSED ? { responseCode: 550, message: '5.1.1 <nobody@example.org>: Recipient address rejected: User unknown' } : undefined,
              },
            },
          }
        : {}),
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('simulates an open and a click on request (success+click@): history lines, status stays delivered', async () => {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'sender@example.com',
      to: 'success+click@simulator.amazonses.com',
      subject: 'Engagement',
      html: '<p>Read <a href="https://example.com/offer">the offer</a></p>',
    });
    expect(res.status).toBe(202);
    const record = await settled(pipeline, res.body.id, 'delivered', ['opened', 'clicked']);
    expect(record.events.find((e: { type: string }) => e.type === 'clicked')).toMatchObject({
      link: 'https://example.com/offer',
      userAgent: expect.any(String),
    });
  });

  it('a bounce suppresses the address, a suppressed send reaches nobody, and DELETE lifts it', async () => {
    const first = await send(pipeline, BOUNCE);
    const bounced = await settled(pipeline, first, 'bounced', ['queued', 'sent', 'bounced']);
    if (transport === 'ses') expect(bounced.providerMessageId).toMatch(/\S/);

    const bounces = await getJson(`${pipeline.apiUrl}/v1/bounces?recipient=${encodeURIComponent(BOUNCE)}`);
    expect(bounces.status).toBe(200);
    expect(bounces.body.data).toHaveLength(1);
    expect(bounces.body.data[0]).toMatchObject({
      recipient: BOUNCE,
      type: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      status: '5.1.1',
      action: 'failed',
      messageId: first,
      origin: 'ses',
    });

    const suppression = await getJson(`${pipeline.apiUrl}/v1/suppressions/${encodeURIComponent(BOUNCE)}`);
    expect(suppression.status).toBe(200);
    expect(suppression.body).toMatchObject({ address: BOUNCE, reason: 'bounce', messageId: first });

    const before = await relayed(pipeline);
    const second = await send(pipeline, BOUNCE);
    const suppressed = await waitForStatus(pipeline.apiUrl, second, ['suppressed', 'sent', 'failed']);
    expect(suppressed.status).toBe('suppressed');
    expect(suppressed.events.at(-1)).toMatchObject({ type: 'suppressed', recipients: [BOUNCE] });
    expect(await relayed(pipeline)).toBe(before);

    const lifted = await fetch(`${pipeline.apiUrl}/v1/suppressions/${encodeURIComponent(BOUNCE)}`, { method: 'DELETE' });
    expect(lifted.status).toBe(204);
    expect((await getJson(`${pipeline.apiUrl}/v1/suppressions/${encodeURIComponent(BOUNCE)}`)).status).toBe(404);

    const third = await send(pipeline, BOUNCE);
    await waitForStatus(pipeline.apiUrl, third, ['bounced']);
    expect(await relayed(pipeline)).toBe(before + 1);
    const again = await waitFor(async () => {
      const res = await getJson(`${pipeline.apiUrl}/v1/bounces?recipient=${encodeURIComponent(BOUNCE)}`);
      return res.body.data.length === 2 ? res.body.data : undefined;
    });
    // Newest first.
    expect(again[0].messageId).toBe(third);
    expect(again[1].messageId).toBe(first);
  });

  it('a mixed send drops only the suppressed recipient', async () => {
    // bounce@ is suppressed again after the previous test's third send.
    await waitFor(async () => ((await getJson(`${pipeline.apiUrl}/v1/suppressions/${encodeURIComponent(BOUNCE)}`)).status === 200 ? true : undefined));
    const before = await relayed(pipeline);
    const id = await send(pipeline, [BOUNCE, SUCCESS, 'friend@example.org']);
    const done = await settled(pipeline, id, 'delivered', ['suppressed', 'sent', 'delivered']);
    expect(done.events.find((e: { type: string }) => e.type === 'suppressed').recipients).toEqual([BOUNCE]);
    expect(done.events.find((e: { type: string }) => e.type === 'sent').recipients.sort()).toEqual([SUCCESS, 'friend@example.org'].sort());
    expect(await relayed(pipeline)).toBe(before + 1);
    if (pipeline.sink) expect(pipeline.sink.received.at(-1)!.envelope.to.sort()).toEqual([SUCCESS, 'friend@example.org'].sort());
  });

  it('a complaint is recorded with its feedback report and suppresses the address', async () => {
    const id = await send(pipeline, COMPLAINT);
    await settled(pipeline, id, 'complained', ['sent', 'delivered', 'complained']);
    const records = await getJson(`${pipeline.apiUrl}/v1/bounces?recipient=${encodeURIComponent(COMPLAINT)}`);
    expect(records.body.data[0]).toMatchObject({ type: 'complaint', complaintFeedbackType: 'abuse', userAgent: 'Amazon SES Mailbox Simulator', messageId: id });
    const suppression = await getJson(`${pipeline.apiUrl}/v1/suppressions/${encodeURIComponent(COMPLAINT)}`);
    expect(suppression.body).toMatchObject({ reason: 'complaint' });
  });

  it.runIf(transport === 'smtp')('an SMTP 550 for a recipient is a permanent bounce that suppresses it', async () => {
    const id = await send(pipeline, [REFUSED, 'friend@example.org']);
    const sent = await waitForStatus(pipeline.apiUrl, id, ['sent']);
    expect(sent.events.find((e: { type: string }) => e.type === 'recipient_rejected').recipients).toEqual([REFUSED]);
    const records = await getJson(`${pipeline.apiUrl}/v1/bounces?recipient=${encodeURIComponent(REFUSED)}`);
    expect(records.body.data).toHaveLength(1);
    expect(records.body.data[0]).toMatchObject({ type: 'bounce', bounceType: 'Permanent', origin: 'smtp', status: '5.1.1', messageId: id });
    expect(records.body.data[0].diagnosticCode).toContain('550');
    expect((await getJson(`${pipeline.apiUrl}/v1/suppressions/${encodeURIComponent(REFUSED)}`)).body).toMatchObject({ reason: 'bounce', origin: 'smtp' });

    const before = await relayed(pipeline);
    const next = await send(pipeline, REFUSED);
    expect((await waitForStatus(pipeline.apiUrl, next, ['suppressed', 'failed'])).status).toBe('suppressed');
    expect(await relayed(pipeline)).toBe(before);
  });
});
