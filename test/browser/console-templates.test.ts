/**
 * The console's Templates page in a real browser (headless Chromium) against the local
 * pipeline: a template made through the API is listed, opened, and previewed with sample
 * variables the way an operator does it, by labels and roles; a missing variable is the
 * API's 422, shown in the page naming it. Every wait is for something on the page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { focused, launchBrowser, pageProblems } from '../helpers/browser.js';
import { postJson } from '../helpers/http.js';

let pipeline: Pipeline;
let browser: Browser;
let page: Page;
let problems: string[];
const alias = `receipt-${Date.now().toString(36)}`;

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([startPipeline({ console: true, log: () => silentLog }), launchBrowser()]);
  const created = await postJson(`${pipeline.apiUrl}/v1/templates`, {
    alias,
    subject: 'Receipt for {{name}}',
    html: '<p>Hello <b>{{name}}</b>, you paid {{total}}.</p>',
    text: 'Hello {{name}}, you paid {{total}}.',
    description: 'sent after a payment',
  });
  expect(created.status).toBe(201);
  const next = await fetch(`${pipeline.apiUrl}/v1/templates/${alias}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'Your receipt, {{name}}', html: '<p>Thanks <b>{{name}}</b>: {{total}}.</p>', text: 'Thanks {{name}}: {{total}}.' }),
  });
  expect(next.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  problems = pageProblems(page);
});

afterEach(async () => {
  await page.close();
  // The 422 of a missing variable and the 404 of an unknown alias are logged by the browser as failed requests: they are what the tests ask for.
  expect(problems.filter((p) => !/status of (404|422)/.test(p))).toEqual([]);
});

describe('the console Templates page', () => {
  it('lists templates, opens one, renders a preview and names a missing variable', async () => {
    await page.goto(`${pipeline.consoleUrl}#/emails`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
    expect(await focused(page)).toBe('Templates');
    const row = page.getByRole('row', { name: new RegExp(alias) });
    await row.getByText('Your receipt, {{name}}').waitFor();
    await row.getByRole('cell', { name: '2', exact: true }).waitFor();

    await row.getByRole('link', { name: alias }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`^${alias}`) }).waitFor();
    expect(await focused(page)).toContain(alias);
    await page.locator('pre.template-text', { hasText: 'Thanks {{name}}: {{total}}.' }).waitFor();

    // Markup in a variable stays text in the subject (the page writes text nodes) and is escaped in the html part.
    await page.getByLabel('Sample variables (JSON)').fill('{"name": "<i>Ann</i>", "total": "12 EUR"}');
    await page.getByRole('button', { name: 'Render' }).click();
    await page.locator('#rendered-subject', { hasText: 'Your receipt, <i>Ann</i>' }).waitFor();
    expect(await page.locator('#main i').count()).toBe(0);
    const html = page.frameLocator('iframe.html-part').locator('b');
    await html.filter({ hasText: '<i>Ann</i>' }).waitFor();
    expect(await page.locator('iframe.html-part').getAttribute('sandbox')).toBe('');
    await page.locator('#preview-output pre.text-part', { hasText: 'Thanks <i>Ann</i>: 12 EUR.' }).waitFor();

    // A missing variable: the API's 422, in the page's error area, naming it; the old preview is gone.
    await page.getByLabel('Sample variables (JSON)').fill('{"name": "Ann"}');
    await page.getByLabel('Sample variables (JSON)').press('Control+Enter');
    const alert = page.locator('#preview-errors [role=alert]');
    await alert.filter({ hasText: '422' }).waitFor();
    expect(await alert.textContent()).toContain('total');
    expect(await page.locator('#rendered-subject').count()).toBe(0);

    // Not JSON: said in the page, nothing asked of the API.
    await page.getByLabel('Sample variables (JSON)').fill('{name: Ann}');
    await page.getByRole('button', { name: 'Render' }).click();
    await page.locator('#preview-errors [role=alert]', { hasText: 'not JSON' }).waitFor();
  });

  it('shows and renders an older version', async () => {
    await page.goto(`${pipeline.consoleUrl}#/templates/${alias}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(`^${alias}`) }).waitFor();
    await page.getByRole('combobox', { name: /^Version/ }).selectOption('1');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('heading', { level: 1, name: `${alias} version 1` }).waitFor();
    expect(page.url()).toContain('version=1');
    await page.getByLabel('Sample variables (JSON)').fill('{"name": "Bo", "total": "3"}');
    await page.getByRole('button', { name: 'Render' }).click();
    await page.locator('#rendered-subject', { hasText: 'Receipt for Bo' }).waitFor();
  });

  it('answers an unknown alias with the API 404 in the page', async () => {
    await page.goto(`${pipeline.consoleUrl}#/templates/no-such-template`);
    await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
    await page.getByRole('alert').filter({ hasText: '404' }).waitFor();
  });
});
