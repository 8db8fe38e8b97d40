import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { ESBUILD_OPTIONS } from '../../infra/bundling.js';

const dir = mkdtempSync(join(tmpdir(), 'posthaste-shim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the mime-types stand-in in function bundles', () => {
  it('keeps mime-db out of the bundle and builds the same attachments', async () => {
    const entry = join(dir, 'entry.ts');
    const root = resolve('.');
    writeFileSync(
      entry,
      `import { buildMime } from '${root}/functions/core/mime.ts';
       import { parseSendRequest } from '${root}/functions/core/send-request.ts';
       export const raw = buildMime(parseSendRequest({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't',
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
    const { raw } = (await import(pathToFileURL(out).href)) as { raw: string };
    const parsed = await simpleParser(raw);
    expect(parsed.attachments.map((a) => `${a.filename} ${a.contentType}`).sort()).toEqual(['l.png image/png', 'r.pdf application/pdf']);
  });
});
