/**
 * The console against an API that wants keys (POSTHASTE_REQUIRE_API_KEY=1, as in AWS): served
 * by the local gateway it asks for one and keeps it in the tab; served by `posthaste console`
 * it never needs one, because the forwarder adds the operator's key.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleForwarder, startConsoleForwarder } from '../../cli/console.js';
import { DynamoDbApiKeyStore } from '../../functions/adapters/dynamodb-api-key-store.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { createApiKey } from '../../functions/core/api-key-admin.js';
import { silentLog } from '../../functions/core/log.js';
import { systemClock } from '../../functions/core/ports.js';
import { buildConsole } from '../../local/console-assets.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { launchBrowser, pageProblems } from '../helpers/browser.js';

let pipeline: Pipeline;
let browser: Browser;
let forwarder: ConsoleForwarder;
let apiKey: string;

beforeAll(async () => {
  [pipeline, browser] = await Promise.all([startPipeline({ requireApiKeys: true, console: true, log: () => silentLog }), launchBrowser()]);
  apiKey = (await createApiKey({ store: new DynamoDbApiKeyStore(dynamoClient(pipeline.aws), pipeline.env.API_KEYS_TABLE!), clock: systemClock }, 'operator'))
    .apiKey;
  forwarder = await startConsoleForwarder({ target: pipeline.apiUrl, apiKey, files: await buildConsole() });
});

afterAll(async () => {
  await forwarder?.stop();
  await browser?.close();
  await pipeline?.stop();
});

describe('the console and API keys', () => {
  it('on the local gateway: asks for a key on the first 401, then works with it in this tab only', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = pageProblems(page);
    await page.goto(`${pipeline.consoleUrl}#/suppressions`);
    await page.getByRole('heading', { name: 'API key needed' }).waitFor();
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('heading', { name: 'Suppressions' }).waitFor();
    await page.getByText('No address is suppressed.').waitFor();
    // Another tab starts without it.
    const other = await context.newPage();
    await other.goto(`${pipeline.consoleUrl}#/suppressions`);
    await other.getByRole('heading', { name: 'API key needed' }).waitFor();
    await context.close();
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });

  it('through `posthaste console`: works without ever asking, and the page never holds the key', async () => {
    const page = await browser.newPage();
    const problems = pageProblems(page);
    await page.goto(`${forwarder.consoleUrl}#/suppressions`);
    await page.getByRole('heading', { name: 'Suppressions' }).waitFor();
    await page.getByText('No address is suppressed.').waitFor();
    expect(await page.evaluate('JSON.stringify(sessionStorage) + document.documentElement.outerHTML')).not.toContain(apiKey);
    await page.close();
    expect(problems).toEqual([]);
  });
});
