/**
 * `npm pack` (prepack): builds what the packed package runs, into dist/ (never committed).
 *
 * - dist/cli.js (+ dist/keys.js, shared chunks): the CLI bundled with esbuild. The package
 *   holds no TypeScript and no tsx, so everything the CLI imports is bundled in — commander,
 *   mailparser, the SDK clients `keys` and `dlq` use — except the client's own runtime
 *   dependencies (the SigV4 signing packages), which the package depends on anyway.
 *   `keys` is an entry of its own because program.ts loads it only when it is asked for.
 * - dist/client/: the typed client compiled by tsc with its declarations (client/tsconfig.build.json).
 *
 * In a clone nothing needs building: cli/posthaste.mjs runs the source through tsx.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../infra/bundling.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies?: Record<string, string> };

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { cli: 'cli/main.ts', keys: 'cli/keys.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // The bundled SDK's CommonJS modules call require(); ESM output has none of its own.
  banner: { js: ESM_REQUIRE_BANNER },
  external: Object.keys(manifest.dependencies ?? {}),
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('typescript/bin/tsc')), '-p', 'client/tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
