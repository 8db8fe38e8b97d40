/**
 * What a bundle really loads at cold start: the entry imported in a fresh Node process with a
 * module hook that records every file it loads (static chunks, and the dynamic imports the
 * entry awaits, such as the deliver function's transport). With code splitting, the chunks
 * nobody imports stay on disk and cost nothing; this is what tells them apart.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';

const HOOK = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return next(url, context);
}
`;

const RUNNER = `import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register(new URL('./hook.mjs', import.meta.url), { data: { log: process.argv[3] } });
await import(pathToFileURL(process.argv[2]).href);
process.exit(0);
`;

export interface Loaded {
  /** Bundle files loaded, relative to the bundle folder (code only, not source maps). */
  files: string[];
  bytes: number;
}

/** Imports `entryFile` with `env` and reports the files of `bundleDir` it loaded. */
export function loadedFiles(entryFile: string, bundleDir: string, env: Record<string, string>): Loaded {
  const dir = mkdtempSync(join(tmpdir(), 'posthaste-loaded-'));
  try {
    writeFileSync(join(dir, 'hook.mjs'), HOOK);
    writeFileSync(join(dir, 'runner.mjs'), RUNNER);
    const log = join(dir, 'loaded.txt');
    writeFileSync(log, '');
    const out = spawnSync(process.execPath, [join(dir, 'runner.mjs'), entryFile, log], { env: { ...process.env, ...env }, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`importing ${entryFile} failed: ${out.stderr.trim().split('\n').slice(-4).join(' | ')}`);
    const files = [
      ...new Set(
        readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((url) => relative(bundleDir, fileURLToPath(url))),
      ),
    ].filter((file) => !file.startsWith('..'));
    return { files: files.sort(), bytes: files.reduce((sum, file) => sum + statSync(join(bundleDir, file)).size, 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

/** The metafile entries of the given output files (metafile paths are relative to `workingDir`). */
export function outputsOf(metafile: Metafile, workingDir: string, outdir: string, files: string[]): Metafile['outputs'][string][] {
  return Object.entries(metafile.outputs)
    .filter(([output]) => files.includes(relative(outdir, resolve(workingDir, output))))
    .map(([, meta]) => meta);
}

/** Bytes per package (or per source folder) in the given output files, from esbuild's metafile. */
export function packagesIn(metafile: Metafile, workingDir: string, outdir: string, files: string[]): Map<string, number> {
  const byPackage = new Map<string, number>();
  for (const meta of outputsOf(metafile, workingDir, outdir, files)) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
      const pkg = packageOf(input) ?? input.split('/').slice(0, 2).join('/');
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return byPackage;
}
