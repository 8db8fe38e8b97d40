import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { ESBUILD_OPTIONS } from '../../infra/bundling.js';
import trim from '../../infra/shims/string-trim.js';

const polyfill = createRequire(import.meta.url)('@babel/runtime-corejs3/core-js/instance/trim') as (value: string) => () => string;

const dir = mkdtempSync(join(tmpdir(), 'posthaste-shim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the stand-ins for mime-types and core-js in function bundles', () => {
  it('keeps mime-db and core-js out of the bundle and builds the same message', async () => {
    const entry = join(dir, 'entry.ts');
    const root = resolve('.');
    writeFileSync(
      entry,
      `import { buildMime } from '${root}/functions/core/mime.ts';
       import { parseSendRequest } from '${root}/functions/core/send-request.ts';
       export const raw = buildMime(parseSendRequest({ from: 'Ann Example <a@example.com>', to: 'b@example.org', subject: 's', text: 't',
         attachments: [{ filename: 'r.pdf', content: 'aGk=', contentType: 'application/pdf' }, { filename: 'l.png', content: 'aGk=', contentType: 'image/png', contentId: 'logo' }] }), { id: 'x' }).raw;`,
    );
    const out = join(dir, 'out.mjs');
    const result = await build({
      ...ESBUILD_OPTIONS,
      mainFields: [...ESBUILD_OPTIONS.mainFields],
      entryPoints: [entry],
      outfile: out,
      metafile: true,
      sourcemap: false,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('mime-db'))).toBe(false);
    expect(inputs.some((i) => i.includes('infra/shims/mime-types'))).toBe(true);
    expect(inputs.filter((i) => i.includes('core-js'))).toEqual([]);
    expect(inputs.some((i) => i.includes('infra/shims/string-trim'))).toBe(true);
    const { raw } = (await import(pathToFileURL(out).href)) as { raw: string };
    const parsed = await simpleParser(raw);
    expect(parsed.attachments.map((a) => `${a.filename} ${a.contentType}`).sort()).toEqual(['l.png image/png', 'r.pdf application/pdf']);
    expect(parsed.from?.text).toBe('"Ann Example" <a@example.com>');
  });

  it('trims as the polyfill does, where mimetext calls it', () => {
    const value = ' \t<a@example.com>\u00a0\n';
    expect(trim(value).call(value)).toBe(polyfill(value).call(value));
  });
});
