/**
 * What a bundle really loads at cold start: the entry imported in a fresh Node process with
 * a module hook that records every file Node loads — static chunks, and the dynamic imports
 * the entry awaits before it settles (the deliver function's transport, and the SDK client
 * that transport imports in turn). A walk of the metafile's static imports misses the
 * latter; chunks nobody imports stay on disk and cost nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** Absolute paths of the bundle's files that were loaded (the entry's folder and below). */
  files: string[];
  bytes: number;
}

/** Imports `entryFile` with `env` in a fresh process and reports the files of its bundle that Node loaded. */
export function loadedFiles(entryFile: string, env: Record<string, string>): Loaded {
  const dir = mkdtempSync(join(tmpdir(), 'posthaste-loaded-'));
  try {
    writeFileSync(join(dir, 'hook.mjs'), HOOK);
    writeFileSync(join(dir, 'runner.mjs'), RUNNER);
    const log = join(dir, 'loaded.txt');
    writeFileSync(log, '');
    const out = spawnSync(process.execPath, [join(dir, 'runner.mjs'), entryFile, log], { env: { ...process.env, ...env }, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`importing ${entryFile} failed: ${out.stderr.trim().split('\n').slice(-4).join(' | ')}`);
    const bundle = dirname(entryFile) + sep;
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const files = [...new Set(urls.map((url) => fileURLToPath(url)))].filter((file) => file.startsWith(bundle)).sort();
    return { files, bytes: files.reduce((sum, file) => sum + statSync(file).size, 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
