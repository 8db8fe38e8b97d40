/**
 * The operator console's files and how they are served. In a clone they are built from
 * console/ by esbuild in memory when the server starts (npm start, `npx posthaste console`);
 * the packed package carries them prebuilt in dist/console/ (cli/build-package.ts), since it
 * has neither the source nor esbuild. Nothing is fetched from elsewhere at run time.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface ConsoleFile {
  type: string;
  body: Buffer;
}

/** File name (under /console/) → file. */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

export const CONSOLE_PATH = '/console/';
const SOURCE = new URL('../console/', import.meta.url);
const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * What the page may do, enforced by the browser: its own script and styles only, API calls
 * to its own origin only, no frames of other pages, never framed itself. Inline styles are
 * allowed because a message's HTML part is shown in a sandboxed `srcdoc` frame, which
 * inherits this policy (the console itself writes no markup, only text nodes).
 */
export const CONSOLE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  'font-src data:',
  "connect-src 'self'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Bundles console/src with esbuild (a devDependency: only a clone builds). */
export async function buildConsole(source: URL = SOURCE): Promise<ConsoleFiles> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('src/main.ts', source))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    outfile: 'console.js',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0];
  if (!script) throw new Error('esbuild produced no console bundle');
  const read = (name: string) => readFileSync(new URL(name, source));
  return new Map([
    ['index.html', { type: TYPES['index.html']!, body: read('index.html') }],
    ['console.js', { type: TYPES['console.js']!, body: Buffer.from(script.contents) }],
    ['console.css', { type: TYPES['console.css']!, body: read('console.css') }],
  ]);
}

/** Writes the built files into `folder` (the packed package's dist/console/). */
export function writeConsole(files: ConsoleFiles, folder: URL): void {
  mkdirSync(folder, { recursive: true });
  for (const [name, file] of files) writeFileSync(new URL(name, folder), file.body);
}

/** The console from its source when there is one (a clone), else the prebuilt copy in `prebuilt`. */
export async function loadConsole(prebuilt?: URL, source: URL = SOURCE): Promise<ConsoleFiles> {
  if (existsSync(new URL('src/main.ts', source))) return buildConsole(source);
  if (prebuilt && existsSync(new URL('index.html', prebuilt))) {
    return new Map(Object.entries(TYPES).map(([name, type]) => [name, { type, body: readFileSync(new URL(name, prebuilt)) }]));
  }
  throw new Error('the console is not built: run it from a clone (npm ci) or from the published package');
}

/** Answers a request under /console/ and returns true; returns false for any other path. */
export function serveConsole(req: IncomingMessage, res: ServerResponse, files: ConsoleFiles): boolean {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/console') {
    res.writeHead(308, { location: CONSOLE_PATH }).end();
    return true;
  }
  if (!path.startsWith(CONSOLE_PATH)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('the console is read with GET\n');
    return true;
  }
  const file = files.get(path.slice(CONSOLE_PATH.length) || 'index.html');
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not part of the console\n');
    return true;
  }
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': String(file.body.length),
    'content-security-policy': CONSOLE_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
  return true;
}
