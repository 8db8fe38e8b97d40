/**
 * The operator console in a real browser (headless Chromium) against the local pipeline,
 * delivering through the SES stand-in and its mailbox simulator: messages are sent through
 * the API, then found, opened and acted on the way an operator does, by labels and roles.
 * Every wait is for something to appear on the page (or in the API), never a fixed time.
 */
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { focused, launchBrowser, pageProblems, styleOf } from '../helpers/browser.js';
import { getJson, postJson, waitFor, waitForStatus } from '../helpers/http.js';

let pipeline: Pipeline;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
const run = Date.now().toString(36);

async function send(to: string, subject: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'App <app@example.com>', to, subject, text: `Text of ${subject}`, ...extra });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

const open = (route: string) => page.goto(`${pipeline.consoleUrl}#${route}`);

/** Where the webhook endpoint the test creates points: a receiver on loopback that answers 200 and keeps what it got. */
let receiver: Server;
let receiverUrl: string;
const received: { url: string; headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ url: req.url!, headers: req.headers as Record<string, string>, body });
      res.writeHead(200).end('thanks');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  [pipeline, browser] = await Promise.all([startPipeline({ transport: 'ses', console: true, simulatorDelayMs: 20, log: () => silentLog }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
  receiver?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  problems = pageProblems(page);
});

afterEach(async ({ task }) => {
  // A failed test leaves what the page showed, for whoever reads the failure.
  if (task.result?.state === 'fail') {
    const shot = join(tmpdir(), `posthaste-console-${task.id}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    console.error(`screenshot of the failed page: ${shot}`);
  }
  await context.close();
  // What a message's HTML tried and was refused (its script, a remote image) is the sandbox working, not a fault of the page.
  expect(problems.filter((p) => !/about:srcdoc|sandboxed|Loading the image/.test(p))).toEqual([]);
});

describe('the console', () => {
  it('is served by the local gateway with a strict policy, and the API beside it', async () => {
    const res = await fetch(pipeline.consoleUrl!);
    expect(res.status).toBe(200);
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    await open('/emails');
    await page.getByRole('heading', { name: 'Email log' }).waitFor();
  });

  it('lists sent messages newest first and finds one by recipient and by status', async () => {
    const ids = [await send(`ann+${run}@example.org`, `First ${run}`), await send(`success+${run}@simulator.amazonses.com`, `Second ${run}`)];
    await waitForStatus(pipeline.apiUrl, ids[1]!, ['delivered']);
    await open('/emails');
    const list = page.locator('#email-list');
    // Live refresh brings them in without a reload.
    await list.getByRole('link', { name: `Second ${run}` }).waitFor();
    await list.getByRole('link', { name: `First ${run}` }).waitFor();
    const subjects = await list.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(subjects.indexOf(`Second ${run}`)).toBeLessThan(subjects.indexOf(`First ${run}`));

    await page.getByLabel('Recipient').fill(`ann+${run}@example.org`);
    await page.getByLabel('Recipient').press('Enter');
    await page.waitForURL(/recipient=/);
    await list.getByRole('link', { name: `First ${run}` }).waitFor();
    await waitFor(async () => ((await list.locator('tbody tr').count()) === 1 ? true : undefined), 10_000, 'only the message to that recipient');

    await page.getByRole('link', { name: 'Clear' }).click();
    // The view draws its form again once the unfiltered page has loaded; a choice made in the old form would go with it.
    await waitFor(async () => ((await page.getByLabel('Recipient').inputValue()) === '' ? true : undefined), 10_000, 'the form without filters');
    await page.getByLabel('Status').selectOption('delivered');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=delivered/);
    await list.getByRole('link', { name: `First ${run}` }).waitFor({ state: 'detached' });
    await list.getByRole('link', { name: `Second ${run}` }).waitFor();
    expect(new Set(await list.locator('tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set(['delivered']));
  });

  it('opens a message and follows its timeline to delivered, with the relay response, tags and what was sent', async () => {
    const html = `<p style="color: rgb(200, 0, 0)">Hello <b>${run}</b></p><script>parent.document.title = 'scripted'</script><img src="http://127.0.0.1:9/pixel.png" alt="">`;
    const id = await send(`success+${run}@simulator.amazonses.com`, `Timeline ${run}`, { html, tags: [{ name: 'order', value: run }] });
    await open(`/emails/${id}`);
    await page.getByRole('heading', { name: `Timeline ${run}` }).waitFor();
    const timeline = page.getByRole('list', { name: 'Status timeline' });
    // The page refreshes itself until the message settles.
    await timeline.locator('li.event-delivered').waitFor();
    expect(await timeline.locator('li .badge').allTextContents()).toEqual(['queued', 'sent', 'delivered']);
    await timeline.locator('li.event-sent pre.response', { hasText: 'SES accepted the message' }).waitFor();
    await page
      .locator('.tag', { hasText: `order:${run}` })
      .first()
      .waitFor();
    await page.getByRole('heading', { name: /Timeline .* delivered/ }).waitFor();

    const frame = page.locator('iframe.html-part');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const body = page.frameLocator('iframe.html-part').locator('p');
    await body.waitFor();
    expect(await body.textContent()).toBe(`Hello ${run}`);
    expect(await styleOf(body, 'color')).toBe('rgb(200, 0, 0)');
    expect(await page.title()).toBe('Posthaste console');
    await page.locator('pre.text-part', { hasText: `Text of Timeline ${run}` }).waitFor();
    await page.getByRole('cell', { name: 'X-Posthaste-Id' }).waitFor();
  });

  it('shows a bounce with its suppression and removes the suppression', async () => {
    const address = `bounce+${run}@simulator.amazonses.com`;
    const id = await send(address, `Bounce ${run}`);
    await waitFor(async () => ((await getJson(`${pipeline.apiUrl}/v1/suppressions/${address}`)).status === 200 ? true : undefined), 15_000, 'the suppression');
    await open(`/emails/${id}`);
    const row = page.getByRole('row', { name: new RegExp(address.replace(/[+.]/g, '\\$&')) });
    await row.getByText('550 5.1.1 user unknown').waitFor();
    await row.getByText('suppressed').waitFor();

    await open('/suppressions');
    await page.getByLabel('Address', { exact: true }).fill(address);
    await page.getByRole('button', { name: 'Look up' }).click();
    const result = page.locator('#suppression-result');
    await result.getByRole('heading', { name: new RegExp(address.replace(/[+.]/g, '\\$&')) }).waitFor();
    await result.getByRole('button', { name: 'Remove' }).click();
    // A second question first; the focus moves to its answer.
    await result.getByRole('button', { name: 'Yes, remove' }).waitFor();
    expect(await focused(page)).toBe('Yes, remove');
    await page.keyboard.press('Enter');
    await result.getByText(`${address} is not suppressed`).waitFor();
    expect((await getJson(`${pipeline.apiUrl}/v1/suppressions/${address}`)).status).toBe(404);
  });

  it('creates a webhook endpoint, shows its deliveries with their attempts, resends one, turns it off and rotates its secret', async () => {
    await open('/webhooks');
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByLabel('URL').fill(`${receiverUrl}/hooks/${run}`);
    await page.getByLabel('Description').fill(`console test ${run}`);
    await page.getByLabel('sent', { exact: true }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.locator('#webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('link', { name: `${receiverUrl}/hooks/${run}` }).click();
    await page.getByRole('heading', { name: `${receiverUrl}/hooks/${run}` }).waitFor();

    const id = await send(`success+hook${run}@simulator.amazonses.com`, `Hooked ${run}`);
    // The page refreshes its deliveries: the first attempt appears, answered 200.
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: id }) });
    await row.getByText('succeeded').waitFor();
    await row.locator('summary').click();
    await row.getByText('HTTP 200').first().waitFor();
    const hooked = () => received.filter((r) => r.url === `/hooks/${run}`);
    const first = hooked()[0]!;
    expect(JSON.parse(first.body)).toMatchObject({ type: 'email.sent', data: { id } });
    // Signed with the secret the page showed once.
    expect(new Webhook(secret).verify(first.body, first.headers)).toMatchObject({ type: 'email.sent' });

    // At least once: the event may already have been attempted twice; the resend adds one more.
    const before = await row.locator('details.attempts li').count();
    const sentBefore = hooked().length;
    await row.getByRole('button', { name: 'Resend' }).click();
    await waitFor(() => (hooked().length > sentBefore ? true : undefined), 15_000, 'the resent delivery');
    expect(hooked().at(-1)!.headers['webhook-id']).toBe(first.headers['webhook-id']);
    await row.getByText(`${before + 1} attempts`, { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    await page.getByText('disabled', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.locator('#webhook-secret').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
  });

  it('is usable from the keyboard: every control has a label and the focus is visible', async () => {
    await open('/emails');
    await page.getByRole('heading', { name: 'Email log' }).waitFor();
    // Each control is named by a label, its own text or aria-label (what a screen reader reads out).
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, button')]
      .filter((c) => !c.labels?.length && !c.textContent.trim() && !c.getAttribute('aria-label'))
      .map((c) => c.outerHTML)`);
    expect(unlabelled).toEqual([]);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Bounces');
    const outline = await styleOf(page.locator(':focus'), 'outlineStyle');
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Bounces and complaints' }).waitFor();
    expect(await page.evaluate('document.activeElement.id')).toBe('page-heading');
  });

  it('fits a phone screen: no sideways scrolling, tables become cards', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await send(`ann+phone${run}@example.org`, `Phone ${run}`);
    await open('/emails');
    await page.getByRole('link', { name: `Phone ${run}` }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await styleOf(page.locator('#email-list tbody tr').first(), 'display')).toBe('block');
  });
});
