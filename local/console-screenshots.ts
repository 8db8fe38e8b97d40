/**
 * `npm run screenshots`: the pictures of the console in docs/ (the email log, one message, the
 * log on a phone), taken from a fresh in-memory pipeline with a few messages of each fate.
 * Not part of `npm test`; rerun it when the console's look changes.
 */
import { fileURLToPath } from 'node:url';
import { silentLog } from '../functions/core/log.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { postJson, waitForStatus } from '../test/helpers/http.js';
import { startPipeline } from './pipeline.js';

const docs = (name: string) => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));
const pipeline = await startPipeline({ transport: 'ses', console: true, simulatorDelayMs: 50, log: () => silentLog });
const browser = await launchBrowser();
try {
  const from = 'Acme Shop <shop@example.com>';
  const html = (title: string, line: string) =>
    `<div style="font-family: sans-serif; max-width: 520px; margin: 24px auto; padding: 24px; border: 1px solid #ddd; border-radius: 8px">
      <h1 style="color: #0550ae; font-size: 22px">${title}</h1><p>Hi Ann,</p><p>${line}</p>
      <p style="color: #666; font-size: 13px">Acme Shop · 1 Market Street</p></div>`;
  const messages = [
    { to: 'success+welcome@simulator.amazonses.com', subject: 'Welcome to Acme', tags: [{ name: 'kind', value: 'welcome' }] },
    { to: 'bounce@simulator.amazonses.com', subject: 'Reset your password', tags: [{ name: 'kind', value: 'password' }] },
    { to: 'complaint@simulator.amazonses.com', subject: 'Our spring offers', tags: [{ name: 'kind', value: 'newsletter' }] },
    { to: 'ann@example.org', subject: 'Your invoice for March', tags: [{ name: 'kind', value: 'invoice' }] },
    { to: 'success+receipt@simulator.amazonses.com', subject: 'Your receipt for order 1042', tags: [{ name: 'order', value: '1042' }] },
  ];
  const ids: string[] = [];
  for (const m of messages) {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from,
      ...m,
      text: `Hi Ann,\n\n${m.subject}.\n\nAcme Shop`,
      html: html(m.subject, 'Thanks for shopping with us. Your order ships tomorrow.'),
    });
    ids.push(res.body.id as string);
  }
  const later = new Date(Date.now() + 86_400_000).toISOString();
  await postJson(`${pipeline.apiUrl}/v1/emails`, { from, to: 'ann@example.org', subject: 'Your order has shipped', text: 'Soon.', scheduledAt: later });
  const settled = ['delivered', 'bounced', 'complained', 'sent'];
  await Promise.all(ids.map((id) => waitForStatus(pipeline.apiUrl, id, settled)));
  await waitForStatus(pipeline.apiUrl, ids[4]!, ['delivered']);

  const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  await page.goto(`${pipeline.consoleUrl}#/emails?live=off`);
  await page.getByRole('link', { name: 'Your receipt for order 1042' }).waitFor();
  await page.screenshot({ path: docs('console-log.png') });

  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(`${pipeline.consoleUrl}#/emails/${ids[4]}`);
  await page.locator('li.event-delivered').waitFor();
  await page.frameLocator('iframe.html-part').locator('h1').waitFor();
  await page.screenshot({ path: docs('console-message.png') });

  const phone = await browser.newPage({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 2 });
  await phone.goto(`${pipeline.consoleUrl}#/emails?live=off`);
  await phone.getByRole('link', { name: 'Your receipt for order 1042' }).waitFor();
  await phone.screenshot({ path: docs('console-phone.png') });
  console.log(`wrote ${['console-log.png', 'console-message.png', 'console-phone.png'].map((n) => `docs/${n}`).join(', ')}`);
} finally {
  await browser.close();
  await pipeline.stop();
}
