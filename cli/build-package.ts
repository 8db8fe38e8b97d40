/**
 * `npm pack` runs this (the `prepack` script): it builds what the published package holds,
 * which is not committed (dist/ is ignored).
 *
 * - dist/client/: the client compiled by tsc with its declarations (`posthaste/client`).
 * - dist/cli.mjs (+ dist/cli-chunks/): the CLI bundled by esbuild with commander, mailparser
 *   and the AWS SDK pieces `keys` and `dlq` use, so installing the package brings none of
 *   them. Chunks keep those heavy commands out of the start-up path. The SigV4 libraries stay
 *   external: they are the package's dependencies, shared with the client.
 *
 * - dist/console/: the operator console built (`posthaste console` serves it; the package
 *   has neither its source nor esbuild).
 *
 * dist/cli.mjs sits one level below package.json, as cli/program.ts does, so reading the
 * version from `../package.json` and the console from `../dist/console/` works in both.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../infra/bundling.js';
import { buildConsole, writeConsole } from '../local/console-assets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}client/tsconfig.package.json`], { stdio: 'inherit' });
await build({
  entryPoints: { cli: `${root}cli/main.ts` },
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'cli-chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'none',
  banner: { js: ESM_REQUIRE_BANNER },
  // esbuild builds the console from source in a clone only; the package reads dist/console/.
  external: [...Object.keys(manifest.dependencies), 'esbuild'],
  logLevel: 'warning',
});
writeConsole(await buildConsole(), new URL('../dist/console/', import.meta.url));
