/** The templates routes through the real API handler, the templates table on dynalite. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import type { ApiDeps } from '../../functions/api/deps.js';
import { apiDeps } from '../../functions/compose/api.js';
import { silentLog } from '../../functions/core/log.js';
import { lambdaContext } from '../../local/sqs-poller.js';
import { type ApiCall, apiEvent } from '../helpers/api-event.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';

let local: LocalDynamo;
let deps: ApiDeps;
let handler: ReturnType<typeof createApiHandler>;

beforeAll(async () => {
  local = await startLocalDynamo();
  deps = apiDeps({ ...local.env, QUEUE_URL: 'http://127.0.0.1:9/000000000000/q' }, local.aws);
  handler = createApiHandler(deps, silentLog);
});

afterAll(async () => {
  await local?.stop();
});

async function call(request: ApiCall) {
  const res = await handler(apiEvent(request), lambdaContext('posthaste-api'));
  return { status: res.statusCode, type: res.headers?.['content-type'], json: res.body ? JSON.parse(res.body) : undefined };
}

const LAYOUT = '<html><body><h1>{{shop}}</h1>{{> @partial-block}}<footer>{{> footer}}</footer></body></html>';
const receipt = {
  alias: 'receipt',
  description: 'Order receipt',
  subject: 'Your receipt {{order.number}}',
  html: '{{#> layout}}<p>Hi {{customer.name}},</p><ul>{{#each items}}<li>{{name}}: {{price}}</li>{{/each}}</ul>{{/layout}}',
  partials: { layout: LAYOUT, footer: 'Questions? <a href="{{supportUrl}}">Write to us</a>' },
};
const variables = {
  shop: 'Tea & Co',
  order: { number: 'A-1' },
  customer: { name: '<Ann>' },
  items: [
    { name: 'Sencha', price: '4.00' },
    { name: 'Oolong', price: '6.50' },
  ],
  supportUrl: 'https://tea.example/help',
};

describe('templates API', () => {
  it('creates version 1, reads it back, and refuses the alias a second time', async () => {
    const created = await call({ path: '/v1/templates', body: receipt });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ alias: 'receipt', version: 1 });

    const got = await call({ method: 'GET', path: '/v1/templates/receipt' });
    expect(got.status).toBe(200);
    expect(got.json).toEqual({ ...receipt, version: 1, createdAt: expect.any(String) });

    const again = await call({ path: '/v1/templates', body: receipt });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'template_exists', field: 'alias' });
  });

  it('PUT makes a new version; the older one stays readable with ?version=', async () => {
    const { alias: _alias, ...content } = receipt;
    const put = await call({ method: 'PUT', path: '/v1/templates/receipt', body: { ...content, subject: 'Receipt {{order.number}} from {{shop}}' } });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ alias: 'receipt', version: 2 });
    expect((await call({ method: 'GET', path: '/v1/templates/receipt' })).json).toMatchObject({
      version: 2,
      subject: 'Receipt {{order.number}} from {{shop}}',
    });
    expect((await call({ method: 'GET', path: '/v1/templates/receipt', query: { version: '1' } })).json).toMatchObject({
      version: 1,
      subject: 'Your receipt {{order.number}}',
    });
    expect((await call({ method: 'GET', path: '/v1/templates/receipt', query: { version: '7' } })).json).toMatchObject({ status: 404, field: 'version' });
    expect((await call({ method: 'GET', path: '/v1/templates/receipt', query: { version: 'x' } })).json).toMatchObject({ status: 422, field: 'version' });
  });

  it('PUT of an alias that does not exist is a 404', async () => {
    const res = await call({ method: 'PUT', path: '/v1/templates/nothing-here', body: { subject: 's', text: 't' } });
    expect(res.status).toBe(404);
  });

  it('renders a preview: html escaped, subject and text not, a text part made from the html', async () => {
    const res = await call({ path: '/v1/templates/receipt/render', body: { variables } });
    expect(res.status).toBe(200);
    expect(res.json.subject).toBe('Receipt A-1 from Tea & Co');
    expect(res.json.html).toContain('<h1>Tea &amp; Co</h1>');
    expect(res.json.html).toContain('<p>Hi &lt;Ann&gt;,</p>');
    expect(res.json.html).toContain('<li>Oolong: 6.50</li>');
    expect(res.json.text).toContain('Hi <Ann>,');
    expect(res.json.text).toContain('Write to us [https://tea.example/help]');
    const old = await call({ path: '/v1/templates/receipt/render', query: { version: '1' }, body: { variables, autoText: false } });
    expect(old.json).toEqual({ alias: 'receipt', version: 1, subject: 'Your receipt A-1', html: expect.any(String) });
  });

  it('a missing variable is a 422 naming it and where the template uses it', async () => {
    const { customer: _c, ...withoutCustomer } = variables;
    const res = await call({ path: '/v1/templates/receipt/render', body: { variables: withoutCustomer } });
    expect(res.status).toBe(422);
    expect(res.json.field).toBe('variables.customer.name');
    expect(res.json.errors[0].message).toMatch(/html of template receipt v2 \(line 1, column \d+\)/);

    const items = await call({ path: '/v1/templates/receipt/render', body: { variables: { ...variables, items: [{ name: 'Sencha' }] } } });
    expect(items.json.field).toBe('variables.items');
    expect(items.json.errors[0].message).toMatch(/"price" is used inside it/);

    const inPartial = await call({ path: '/v1/templates/receipt/render', body: { variables: { ...variables, supportUrl: undefined } } });
    expect(inPartial.json.field).toBe('variables.supportUrl');
    expect(inPartial.json.errors[0].message).toMatch(/partial footer of template receipt v2 \(line 1, column 23\)/);
  });

  it('a template that does not compile is a 422 naming the part, the line and the column', async () => {
    const broken = await call({ path: '/v1/templates', body: { alias: 'broken', subject: 'Hi', html: '<p>\n  {{#if ok}}yes\n</p>' } });
    expect(broken.status).toBe(422);
    expect(broken.json.field).toBe('html');
    expect(broken.json.errors[0].message).toMatch(/^does not compile \(line 3, column \d+\): /);

    const helper = await call({ path: '/v1/templates', body: { alias: 'broken', subject: 'Hi {{shout name}}', text: 'x' } });
    expect(helper.json).toMatchObject({ status: 422, field: 'subject' });
    expect(helper.json.errors[0].message).toMatch(/line 1, column 4.*unknown helper shout/);

    const partial = await call({ path: '/v1/templates', body: { alias: 'broken', subject: 'Hi', text: 'a\n{{> signature}}', partials: { sig: 'x {{' } } });
    expect(partial.json.errors).toEqual([
      { field: 'text', message: 'calls partial signature (line 2, column 1), which is not in partials' },
      { field: 'partials.sig', message: expect.stringMatching(/^does not compile \(line 1, column \d+\)/) },
    ]);
    expect((await call({ method: 'GET', path: '/v1/templates/broken' })).status).toBe(404);
  });

  it('refuses what no template may be: no body, a bad alias, a subject on two lines, parts over the limit', async () => {
    const cases: [unknown, string][] = [
      [{ alias: 'x', subject: 's' }, 'html'],
      [{ alias: '-x', subject: 's', text: 't' }, 'alias'],
      [{ alias: 'x', subject: 'a\nb', text: 't' }, 'subject'],
      [{ alias: 'x', subject: 's', text: 'a'.repeat(200_001) }, 'text'],
      [{ alias: 'x', subject: 's', text: 't', partials: { 'no good': 'x' } }, 'partials.no good'],
      [{ alias: 'x', subject: 's', text: 't', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await call({ path: '/v1/templates', body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.json.field).toBe(field);
    }
  });

  it('lists templates in alias order, a page at a time', async () => {
    for (const alias of ['welcome', 'alpha'])
      expect((await call({ path: '/v1/templates', body: { alias, subject: `${alias} {{x}}`, text: 't' } })).status).toBe(201);
    const first = await call({ method: 'GET', path: '/v1/templates', query: { limit: '2' } });
    expect(first.json.data).toEqual([
      { alias: 'alpha', version: 1, subject: 'alpha {{x}}', createdAt: expect.any(String) },
      { alias: 'receipt', version: 2, subject: 'Receipt {{order.number}} from {{shop}}', description: 'Order receipt', createdAt: expect.any(String) },
    ]);
    const second = await call({ method: 'GET', path: '/v1/templates', query: { limit: '2', cursor: first.json.nextCursor } });
    expect(second.json.data.map((t: { alias: string }) => t.alias)).toEqual(['welcome']);
    expect((await call({ method: 'GET', path: '/v1/templates', query: { cursor: 'bm90IG91cnM' } })).status).toBe(422);
  });

  it('deletes every version; the alias made again counts on, so a number never means two contents', async () => {
    expect((await call({ method: 'DELETE', path: '/v1/templates/receipt' })).status).toBe(204);
    expect((await call({ method: 'GET', path: '/v1/templates/receipt' })).status).toBe(404);
    expect((await call({ method: 'GET', path: '/v1/templates/receipt', query: { version: '1' } })).status).toBe(404);
    expect((await call({ method: 'DELETE', path: '/v1/templates/receipt' })).status).toBe(404);
    expect((await call({ method: 'GET', path: '/v1/templates' })).json.data.map((t: { alias: string }) => t.alias)).toEqual(['alpha', 'welcome']);

    const again = await call({ path: '/v1/templates', body: { alias: 'receipt', subject: 'New receipt', text: 'Thanks' } });
    expect(again.json).toEqual({ alias: 'receipt', version: 3 });
    expect((await call({ method: 'GET', path: '/v1/templates/receipt', query: { version: '1' } })).status).toBe(404);
    expect((await call({ path: '/v1/templates/receipt/render', body: {} })).json).toEqual({
      alias: 'receipt',
      version: 3,
      subject: 'New receipt',
      text: 'Thanks',
    });
  });

  it('compiles each version once per container however often it renders', async () => {
    const before = deps.templates!.compiled.compilations;
    for (let i = 0; i < 5; i++) expect((await call({ path: '/v1/templates/welcome/render', body: { variables: { x: i } } })).status).toBe(200);
    expect(deps.templates!.compiled.compilations - before).toBe(1);
  });
});
