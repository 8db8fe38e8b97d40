/** `npx posthaste templates push|pull|render`, run as a user would, against the local pipeline. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { runCli } from '../helpers/cli.js';

const EXAMPLES = new URL('../../templates/', import.meta.url).pathname;

let pipeline: Pipeline;
let dir: string;

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { PATH: process.env.PATH!, POSTHASTE_URL: pipeline.apiUrl, ...env });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posthaste-cli-templates-'));
  cpSync(EXAMPLES, join(dir, 'templates'), { recursive: true });
  pipeline = await startPipeline({ log: () => silentLog });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('npx posthaste templates', () => {
  it('push stores each folder, then leaves unchanged ones alone and versions a changed one', async () => {
    const first = await cli(['--json', 'templates', 'push', join(dir, 'templates')]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([
      { alias: 'password-reset', version: 1, result: 'created' },
      { alias: 'receipt', version: 1, result: 'created' },
    ]);
    const stored = (await (await fetch(`${pipeline.apiUrl}/v1/templates/receipt`)).json()) as { partials: Record<string, string>; subject: string };
    // Only the partials it calls, whole: the layout and the footer the layout calls.
    expect(Object.keys(stored.partials)).toEqual(['footer', 'layout']);
    expect(stored.subject).toBe('Your {{product.name}} receipt {{order.number}}');

    writeFileSync(join(dir, 'templates/receipt/subject.hbs'), 'Receipt {{order.number}}\n');
    const second = await cli(['templates', 'push', join(dir, 'templates')]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^password-reset +1 +unchanged$/m);
    expect(second.stdout).toMatch(/^receipt +2 +updated$/m);
  });

  it('a template that does not compile is refused with the part, line and column, exit code 1', async () => {
    const broken = join(dir, 'broken');
    cpSync(join(dir, 'templates'), broken, { recursive: true });
    writeFileSync(join(broken, 'receipt/html.hbs'), '<p>\n{{#each order.items}}\n');
    const res = await cli(['templates', 'push', broken]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/html: does not compile \(line 3, column \d+\)/);
  });

  it('pull writes the folder layout back, shared partials in partials/', async () => {
    const pulled = join(dir, 'pulled');
    const res = await cli(['templates', 'pull', pulled]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/wrote 2 template\(s\)/);
    expect(readdirSync(join(pulled, 'partials')).sort()).toEqual(['footer.hbs', 'layout.hbs']);
    expect(readFileSync(join(pulled, 'receipt/subject.hbs'), 'utf8')).toBe('Receipt {{order.number}}\n');
    expect(readFileSync(join(pulled, 'partials/layout.hbs'), 'utf8')).toBe(readFileSync(join(EXAMPLES, 'partials/layout.hbs'), 'utf8'));
    expect(existsSync(join(pulled, 'receipt/text.hbs'))).toBe(false);
    expect(readFileSync(join(pulled, 'password-reset/text.hbs'), 'utf8')).toBe(readFileSync(join(EXAMPLES, 'password-reset/text.hbs'), 'utf8'));
    // What was pulled pushes back as it is.
    const again = await cli(['--json', 'templates', 'push', pulled]);
    expect(JSON.parse(again.stdout).map((r: { result: string }) => r.result)).toEqual(['unchanged', 'unchanged']);
  });

  it('render offline from a folder and through the API give the same message', async () => {
    const vars = join(dir, 'vars.json');
    writeFileSync(vars, readFileSync(join(EXAMPLES, 'receipt/sample.json')));
    const offline = await cli(['--json', 'templates', 'render', 'receipt', '--dir', join(dir, 'templates'), '--vars', vars], { POSTHASTE_URL: '' });
    expect(offline.code, offline.stderr).toBe(0);
    const served = await cli(['--json', 'templates', 'render', 'receipt', '--vars', vars]);
    expect(served.code, served.stderr).toBe(0);
    const [a, b] = [JSON.parse(offline.stdout), JSON.parse(served.stdout)];
    expect(b.version).toBe(2);
    expect({ ...a, version: 2 }).toEqual(b);
    expect(a.subject).toBe('Receipt A-1042');
    expect(a.text).toContain('View your order [https://tea.example/orders/A-1042]');

    const text = await cli(['templates', 'render', 'password-reset', '--dir', join(dir, 'templates')]);
    expect(text.stdout).toMatch(/^subject {2}Reset your Acme Tea password$/m);
    expect(text.stdout).toMatch(/^--- text ---$/m);
  });

  it('render names a missing variable, exit code 1', async () => {
    const vars = join(dir, 'empty.json');
    writeFileSync(vars, '{}');
    const res = await cli(['templates', 'render', 'receipt', '--dir', join(dir, 'templates'), '--vars', vars]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/variables\.order\.number: is used by the subject of template receipt \(local files\)/);
    const served = await cli(['templates', 'render', 'receipt', '--vars', vars]);
    expect(served.code).toBe(1);
    expect(served.stderr).toMatch(/variables\.order\.number: is used by the subject of template receipt v2/);
  });
});
