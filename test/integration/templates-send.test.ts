/**
 * Sending with stored templates through the local pipeline: the repo's example templates
 * pushed through the client, a batch of 100 with per-item variables, and every .eml in the
 * outbox checked for its own variables, escaped html, a text part and its record.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTemplateFolder } from '../../cli/template-folder.js';
import { Posthaste } from '../../client/index.js';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { getJson, postJson, waitFor, waitForStatus } from '../helpers/http.js';

const EXAMPLES = new URL('../../templates/', import.meta.url).pathname;

let pipeline: Pipeline;
let outbox: string;
let client: Posthaste;

beforeAll(async () => {
  outbox = mkdtempSync(join(tmpdir(), 'posthaste-templates-'));
  pipeline = await startPipeline({ outbox, log: () => silentLog });
  client = new Posthaste({ baseUrl: pipeline.apiUrl });
  for (const { alias, content } of readTemplateFolder(EXAMPLES)) expect(await client.templates.create({ alias, ...content })).toEqual({ alias, version: 1 });
});

afterAll(async () => {
  await pipeline?.stop();
});

const product = { name: 'Acme Tea', supportUrl: 'https://tea.example/help' };
const receiptFor = (i: number) => ({
  product,
  customer: { name: `Customer <${i}> & Sons` },
  order: {
    number: `A-${1000 + i}`,
    items: [{ quantity: i + 1, name: `Tea no. ${i}`, price: `€${i}.00` }],
    total: `€${i}.00`,
    note: i % 2 === 0 ? `<b>leave at door ${i}</b>` : null,
    url: `https://tea.example/orders/A-${1000 + i}`,
  },
});

const emlFor = (id: string) => {
  const file = readdirSync(outbox).find((f) => f.includes(id) && f.endsWith('.eml'));
  return file ? readFileSync(join(outbox, file)) : undefined;
};

describe('sending with a template', () => {
  it('a batch of 100 sharing a template: each message its own variables, escaped html, a text part, the template in its record', async () => {
    const compiledBefore = pipeline.apiDeps.templates!.compiled.compilations;
    const batch = Array.from({ length: 100 }, (_, i) => ({
      from: 'Acme Tea <shop@example.com>',
      to: `customer${i}@example.org`,
      template: { alias: 'receipt', variables: receiptFor(i) },
      tags: [{ name: 'kind', value: 'receipt' }],
    }));
    const res = await postJson(`${pipeline.apiUrl}/v1/emails/batch`, batch);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(100);
    // The first use of receipt v1 in this container: compiled once for the whole batch.
    expect(pipeline.apiDeps.templates!.compiled.compilations - compiledBefore).toBe(1);

    const ids: string[] = res.body.results.map((r: { id: string }) => r.id);
    const emls = await waitFor(
      () => {
        const found = ids.map(emlFor);
        return found.every(Boolean) ? (found as Buffer[]) : undefined;
      },
      60_000,
      'every message in the outbox',
    );

    for (const [i, eml] of emls.entries()) {
      expect(eml.toString('latin1').match(/^Content-Type: text\/plain/gim), 'its own text part').toHaveLength(1);
      const mail = await simpleParser(eml);
      expect(mail.subject).toBe(`Your Acme Tea receipt A-${1000 + i}`);
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe(`customer${i}@example.org`);
      expect(mail.html).toContain(`Hi Customer &lt;${i}&gt; &amp; Sons,`);
      expect(mail.html).toContain(`${i + 1} × Tea no. ${i}`);
      if (i % 2 === 0) expect(mail.html).toContain(`Your note: &lt;b&gt;leave at door ${i}&lt;/b&gt;`);
      else expect(mail.html).not.toContain('Your note');
      expect(mail.html).not.toMatch(/\{\{|<Customer/);
      expect(mail.text).toContain(`Hi Customer <${i}> & Sons,`);
      expect(mail.text).toContain(`View your order [https://tea.example/orders/A-${1000 + i}]`);
    }
    const records = await Promise.all(ids.map((id) => waitForStatus(pipeline.apiUrl, id, ['sent'])));
    for (const record of records) expect(record.template).toEqual({ alias: 'receipt', version: 1 });
  });

  it('the queued message is concrete: a new version does not change a message accepted before it', async () => {
    const scheduledAt = new Date(Date.now() + 3600_000).toISOString();
    const variables = { product, name: 'Bo', resetUrl: 'https://tea.example/reset?t=1', expiresInMinutes: 30 };
    const accepted = await client.send({ from: 'shop@example.com', to: 'bo@example.org', template: { alias: 'password-reset', variables }, scheduledAt });
    const { html: _html, ...rest } = await client.templates.get('password-reset');
    const { alias, version: _v, createdAt: _c, ...content } = rest;
    expect(await client.templates.update(alias, { ...content, subject: 'Changed: {{name}}' })).toEqual({ alias, version: 2 });

    const later = await client.send({ from: 'shop@example.com', to: 'bo@example.org', template: { alias: 'password-reset', variables } });
    const sent = await waitForStatus(pipeline.apiUrl, later.id, ['sent']);
    expect(sent).toMatchObject({ subject: 'Changed: Bo', template: { alias, version: 2 } });
    expect((await simpleParser(emlFor(later.id)!)).text).toContain('https://tea.example/reset?t=1');

    const pinned = await client.send({ from: 'shop@example.com', to: 'bo@example.org', template: { alias, version: 1, variables } });
    expect(await waitForStatus(pipeline.apiUrl, pinned.id, ['sent'])).toMatchObject({
      subject: 'Reset your Acme Tea password',
      template: { alias, version: 1 },
    });
    expect((await client.get(accepted.id)).subject).toBe('Reset your Acme Tea password');
  });

  it('a missing variable is a 422 naming it; in a batch only that item is refused', async () => {
    const { customer: _c, ...noCustomer } = receiptFor(1);
    const single = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'shop@example.com',
      to: 'a@example.org',
      template: { alias: 'receipt', variables: noCustomer },
    });
    expect(single.status).toBe(422);
    expect(single.body.field).toBe('template.variables.customer.name');
    expect(single.body.detail).toMatch(/html of template receipt v1 \(line 2, column \d+\)/);

    const batch = await postJson(`${pipeline.apiUrl}/v1/emails/batch`, [
      { from: 'shop@example.com', to: 'a@example.org', template: { alias: 'receipt', variables: receiptFor(1) } },
      { from: 'shop@example.com', to: 'b@example.org', template: { alias: 'receipt', variables: noCustomer } },
      { from: 'shop@example.com', to: 'c@example.org', template: { alias: 'nope' } },
    ]);
    expect(batch.status).toBe(207);
    expect(batch.body.results[0].status).toBe('queued');
    expect(batch.body.results[1].error.field).toBe('[1].template.variables.customer.name');
    expect(batch.body.results[2].error.field).toBe('[2].template.alias');
  });

  it('a rendered subject with CR or LF is a 422 naming the subject; so is a template beside a subject', async () => {
    const variables = { ...receiptFor(2), product: { ...product, name: 'Acme\r\nBcc: victim@example.org' } };
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'shop@example.com', to: 'a@example.org', template: { alias: 'receipt', variables } });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('subject');
    expect(res.body.detail).toMatch(/as rendered by template receipt v1: must not contain control characters/);

    const both = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'shop@example.com',
      to: 'a@example.org',
      subject: 'x',
      template: { alias: 'receipt' },
    });
    expect(both.status).toBe(422);
    expect(both.body.field).toBe('subject');
  });

  it('html without text gets a text part, unless autoText is false (templated or not)', async () => {
    const html = '<h1>Hello</h1><p>Read <a href="https://example.com/x">the news</a>.</p>';
    const made = await client.send({ from: 'shop@example.com', to: 'a@example.org', subject: 'html only', html });
    const off = await client.send({ from: 'shop@example.com', to: 'a@example.org', subject: 'html only, no text', html, autoText: false });
    const templated = await client.send({
      from: 'shop@example.com',
      to: 'a@example.org',
      template: { alias: 'receipt', variables: receiptFor(3) },
      autoText: false,
    });
    for (const { id } of [made, off, templated]) await waitForStatus(pipeline.apiUrl, id, ['sent']);
    expect((await simpleParser(emlFor(made.id)!)).text?.trim()).toBe('Hello\n\nRead the news [https://example.com/x].');
    // mailparser makes a text of its own from html alone; the message itself must have no text part.
    const textParts = (id: string) =>
      emlFor(id)!
        .toString('latin1')
        .match(/^Content-Type: text\/plain/gim)?.length ?? 0;
    expect(textParts(made.id)).toBe(1);
    expect(textParts(off.id)).toBe(0);
    expect(textParts(templated.id)).toBe(0);
    expect((await getJson(`${pipeline.apiUrl}/v1/emails/${made.id}`)).body.template).toBeUndefined();
  });
});
