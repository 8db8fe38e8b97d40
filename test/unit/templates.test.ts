import { describe, expect, it } from 'vitest';
import { PosthasteError } from '../../functions/core/errors.js';
import type { TemplateRecord } from '../../functions/core/records.js';
import { renderTemplate } from '../../functions/core/render-template.js';
import { LIMITS, readSendInput, renderedContentPasses, renderedContentSchema } from '../../functions/core/send-request.js';
import { TemplateCache } from '../../functions/core/template-cache.js';
import { CompiledTemplate, checkTemplate, MissingVariableError, partialsCalledBy } from '../../functions/core/template-engine.js';
import { TEMPLATE_LIMITS } from '../../functions/core/template-limits.js';
import { readNewTemplate, readRenderRequest } from '../../functions/core/template-request.js';
import { textFromHtml } from '../../functions/core/text-from-html.js';

const record = (content: Partial<TemplateRecord>): TemplateRecord => ({ alias: 't', version: 1, subject: 's', createdAt: '2026-01-01T00:00:00Z', ...content });
const render = (content: Partial<TemplateRecord>, variables: Record<string, unknown>, autoText = false) =>
  renderTemplate(new TemplateCache(), record(content), variables, { autoText, fields: { variables: 'variables' } });
const problem = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PosthasteError);
  return error as PosthasteError;
};

describe('rendering', () => {
  it('escapes variables in html, not in the subject or the text; {{{triple}}} opts out', async () => {
    const out = await render(
      { subject: 'Hi {{name}}', html: '<p>{{name}}</p>{{{trusted}}}', text: 'Hi {{name}}' },
      { name: '<Ann> & "Bo"', trusted: '<b>ok</b>' },
    );
    expect(out).toEqual({ subject: 'Hi <Ann> & "Bo"', html: '<p>&lt;Ann&gt; &amp; &quot;Bo&quot;</p><b>ok</b>', text: 'Hi <Ann> & "Bo"' });
  });

  it('a partial escapes as the part calling it does', async () => {
    const partials = { footer: '-- {{shop}}', layout: '[{{> @partial-block}}|{{> footer}}]' };
    const out = await render(
      { subject: '{{> footer}}', html: '{{#> layout}}{{x}}{{/layout}}', text: '{{#> layout}}{{x}}{{/layout}}', partials },
      { shop: 'A&B', x: '<i>' },
    );
    expect(out).toEqual({ subject: '-- A&B', html: '[&lt;i&gt;|-- A&amp;B]', text: '[<i>|-- A&B]' });
  });

  it('is strict: a missing variable names its path, its part and where; null and false are values', async () => {
    const error = await problem(render({ html: '<p>\n  {{customer.name}}</p>' }, { customer: {} }));
    expect(error.issues).toEqual([{ field: 'variables.customer.name', message: 'is used by the html of template t v1 (line 2, column 5) and was not given' }]);
    expect((await render({ html: '{{#if coupon}}c{{/if}}{{note}}.' }, { coupon: null, note: false })).html).toBe('false.');
    expect((await render({ html: '{{#if coupon}}c{{/if}}.' }, {})).html).toBe('.');
  });

  it('inside each or with, the missing name is reported on the variable the block goes through', async () => {
    const error = await problem(render({ text: 'Items:\n{{#each items}}{{#with price}}{{amount}}{{/with}}{{/each}}' }, { items: [{ price: {} }] }));
    expect(error.issues[0]).toEqual({
      field: 'variables.items',
      message: '"amount" is used inside it by the text of template t v1 (line 2, column 33) and is missing there',
    });
  });

  it('reaches no inherited property, and has no log helper', async () => {
    expect((await render({ text: '{{a.constructor}}|{{lookup a "toString"}}|{{a.__proto__}}' }, { a: {} })).text).toBe('||');
    expect(checkTemplate({ subject: '{{log "x"}}', text: 't' })).toEqual([{ field: 'subject', message: expect.stringMatching(/unknown helper log/) }]);
  });

  it('checks what it rendered as a request would be: a subject with CR/LF, an empty body', async () => {
    const subject = await problem(render({ subject: '{{s}}', text: 'x' }, { s: 'a\r\nBcc: x@example.org' }));
    expect(subject.issues[0]).toEqual({ field: 'subject', message: 'as rendered by template t v1: must not contain control characters (CR, LF, NUL, …)' });
    const empty = await problem(render({ html: '{{#if x}}<p>x</p>{{/if}}  ' }, { x: false }));
    expect(empty.issues[0]!.field).toBe('text');
  });

  it('answers the quick check on rendered content exactly as the schema does', () => {
    const long = 'x'.repeat(LIMITS.subjectChars);
    const cases = [
      { subject: 'ok', text: 'x' },
      { subject: long, html: '<p>x</p>' },
      { subject: `${long}y`, text: 'x' },
      { subject: 'tab\there', text: 'x' },
      { subject: 'a\nb', text: 'x' },
      { subject: 'nul\u0000', text: 'x' },
      { subject: 'del\u007f', text: 'x' },
      { subject: 'half \ud800 pair', text: 'x' },
      { subject: 'pair \ud83d\ude00', text: 'x' },
      { subject: 'ok', text: ' \n\t ', html: '\u00a0' },
      { subject: 'ok', text: ' ', html: ' x ' },
      { subject: 'ok', html: '\u2028' },
      { subject: '', text: 'x' },
    ];
    for (const content of cases) expect([content, renderedContentPasses(content)]).toEqual([content, renderedContentSchema.safeParse(content).success]);
  });

  it('makes a text part from the html when the template has none, only when asked', async () => {
    const content = { html: '<p>Hi {{name}}, <a href="https://example.com/a?b=1&amp;c=2">open</a></p>' };
    expect((await render(content, { name: 'Ann' }, true)).text).toBe('Hi Ann, open [https://example.com/a?b=1&c=2]');
    expect((await render(content, { name: 'Ann' }, false)).text).toBeUndefined();
    expect((await render({ ...content, text: 'own' }, { name: 'Ann' }, true)).text).toBe('own');
  });
});

describe('checking a template before it is stored', () => {
  it('names the part, the line and the column of a syntax error', () => {
    expect(checkTemplate({ subject: 'ok', html: 'line 1\nline2 {{#if a}\n' })).toEqual([
      { field: 'html', message: expect.stringMatching(/^does not compile \(line 2, column 14\): /) },
    ]);
    expect(checkTemplate({ subject: 'ok', text: 'a {{#if a}} b' })[0]!.message).toBe(
      'does not compile (line 1, column 14): unexpected end of template (is a block left open?)',
    );
    expect(checkTemplate({ subject: 'ok', text: 'x\n{{#each a}}\n{{/with}}' })[0]!.message).toMatch(
      /^does not compile \(line 2, column \d+\): each doesn't match with/,
    );
    expect(checkTemplate({ subject: 'ok', text: 'x', partials: { p: '{{#if}}' } })[0]!.field).toBe('partials.p');
  });

  it('refuses unknown helpers, missing and computed partials', () => {
    expect(checkTemplate({ subject: '{{#iff a}}x{{/iff}}', text: 't' })[0]).toEqual({
      field: 'subject',
      message: expect.stringMatching(/line 1, column 1.*unknown helper iff/),
    });
    expect(checkTemplate({ subject: 's', text: '{{> nope}}' })).toEqual([
      { field: 'text', message: 'calls partial nope (line 1, column 1), which is not in partials' },
    ]);
    expect(checkTemplate({ subject: 's', text: '{{> (lookup . "p")}}', partials: { p: 'x' } })[0]!.message).toMatch(/computed name/);
    expect(checkTemplate({ subject: 's', html: '{{#> layout}}x{{/layout}}', partials: { layout: '<b>{{> @partial-block}}</b>' } })).toEqual([]);
  });

  it('finds the partials sources call, and those they call', () => {
    const available = { layout: '{{> header}}{{> @partial-block}}', header: 'h', unused: 'u' };
    expect(partialsCalledBy(['{{#> layout}}x{{/layout}}', 'plain'], available)).toEqual(['layout', 'header']);
  });

  it('holds templates and variables to their limits', () => {
    const big = 'x'.repeat(TEMPLATE_LIMITS.bodyChars);
    expect(() => readNewTemplate({ alias: 'a', subject: 's', html: big, text: big })).toThrow(/the limit is 350000 for every part together/);
    expect(() =>
      readNewTemplate({ alias: 'a', subject: 's', text: 't', partials: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, 'x'])) }),
    ).toThrow(/at most 20 partials/);
    const variables = { blob: 'x'.repeat(TEMPLATE_LIMITS.variablesBytes) };
    expect(() => readRenderRequest({ variables })).toThrow(/variables: must be at most 65536 bytes as JSON/);
    expect(() => readSendInput({ from: 'a@example.com', to: 'b@example.org', template: { alias: 'a', variables } })).toThrow(
      /template\.variables: must be at most/,
    );
  });
});

describe('a send request with a template', () => {
  const base = { from: 'a@example.com', to: 'b@example.org' };
  it('takes template instead of subject, html and text, and refuses both together', () => {
    expect(readSendInput({ ...base, template: { alias: 'receipt', version: 2, variables: { a: 1 } } })).toMatchObject({
      kind: 'template',
      template: { alias: 'receipt', version: 2, variables: { a: 1 } },
      autoText: true,
    });
    expect(() => readSendInput({ ...base, template: { alias: 'receipt' }, html: '<p>x</p>' })).toThrow(/html: must be left out when template is given/);
    expect(() => readSendInput({ ...base, text: 'x' })).toThrow(/subject: is required/);
    expect(() => readSendInput({ ...base, template: { alias: 'no good' } })).toThrow(/template\.alias/);
    expect(readSendInput({ ...base, subject: 's', html: '<p>x</p>', autoText: false })).toMatchObject({ kind: 'content', autoText: false });
  });
});

describe('compiled templates', () => {
  it('are cached by alias and version, the least recently used going first', () => {
    const cache = new TemplateCache<CompiledTemplate>(2);
    const compile = (t: TemplateRecord) => new CompiledTemplate(t);
    const a = cache.get(record({ alias: 'a', text: 'a' }), compile);
    expect(cache.get(record({ alias: 'a', text: 'a' }), compile)).toBe(a);
    cache.get(record({ alias: 'b', text: 'b' }), compile);
    cache.get(record({ alias: 'a', text: 'a' }), compile);
    cache.get(record({ alias: 'c', text: 'c' }), compile);
    expect(cache.compilations).toBe(3);
    expect(cache.get(record({ alias: 'a', text: 'a' }), compile)).toBe(a);
    cache.get(record({ alias: 'b', text: 'b' }), compile);
    expect(cache.compilations).toBe(4);
  });

  it('report a missing variable in a layout partial as the partial', () => {
    const compiled = new CompiledTemplate({ subject: 's', html: '{{#> layout}}ok{{/layout}}', partials: { layout: '<h1>{{title}}</h1>{{> @partial-block}}' } });
    expect(() => compiled.render({})).toThrow(MissingVariableError);
    try {
      compiled.render({});
    } catch (error) {
      expect(error).toMatchObject({ path: 'title', source: 'partials.layout', position: { line: 1, column: 7 } });
    }
  });
});

describe('text from html', () => {
  it('keeps links as text [url], drops images and what is never shown, keeps tables as columns', async () => {
    const text = await textFromHtml(
      '<html><head><style>p{color:red}</style></head><body><h1>Receipt</h1><img src="x.png" alt="logo"><p>Tom &amp; Jerry: <a href="https://example.com/o/1">your order</a></p><table><tr><td>Tea</td><td>3.00</td></tr><tr><td>Cake</td><td>4.50</td></tr></table></body></html>',
    );
    expect(text).toBe('Receipt\n\nTom & Jerry: your order [https://example.com/o/1]\n\nTea    3.00\nCake   4.50');
  });
});
