/**
 * GET /v1/emails/{id}/content through the local pipeline: the deliver function keeps what it
 * sent in the payload store (fauxqs's S3), the API reads it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Posthaste } from '../../client/index.js';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { getJson, postJson, waitForStatus } from '../helpers/http.js';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ log: () => silentLog });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('GET /v1/emails/{id}/content', () => {
  it('answers the headers, parts and attachments the relay received', async () => {
    const sent = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'App <app@example.com>',
      to: 'ann@example.org',
      subject: 'Your receipt',
      text: 'Thanks for your order.',
      html: '<p>Thanks for your <b>order</b>.</p>',
      headers: { 'X-Campaign': 'spring' },
      attachments: [{ filename: 'receipt.txt', content: Buffer.from('total 42').toString('base64'), contentType: 'text/plain' }],
    });
    const { id } = sent.body as { id: string };
    await waitForStatus(pipeline.apiUrl, id, ['sent']);
    const res = await getJson(`${pipeline.apiUrl}/v1/emails/${id}/content`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      text: 'Thanks for your order.',
      html: '<p>Thanks for your <b>order</b>.</p>',
      attachments: [{ filename: 'receipt.txt', contentType: 'text/plain', bytes: 8 }],
    });
    const received = pipeline.sink!.received.find((m) => m.raw.toString('latin1').includes(`X-Posthaste-Id: ${id}`))!;
    const header = (name: string) => (res.body.headers as { name: string; value: string }[]).find((h) => h.name === name)?.value;
    expect(received.raw.toString('latin1')).toContain(`Message-ID: ${header('Message-ID')}`);
    expect(header('X-Campaign')).toBe('spring');
    expect(header('Subject')).toBe('Your receipt');
    expect(await new Posthaste({ baseUrl: pipeline.apiUrl }).content(id)).toEqual(res.body);
  });

  it('is 404 naming the id for an unknown email, and for one not sent yet', async () => {
    const unknown = await getJson(`${pipeline.apiUrl}/v1/emails/00000000-0000-7000-8000-000000000000/content`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not_found', field: 'id' });

    const later = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'a@example.com',
      to: 'b@example.org',
      subject: 'later',
      text: 'x',
      scheduledAt: later,
    });
    const res = await getJson(`${pipeline.apiUrl}/v1/emails/${scheduled.body.id}/content`);
    expect(res.status).toBe(404);
    expect(res.body.detail).toMatch(/no content kept/);
  });
});
