import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled: one definition for the CDK construct (which runs esbuild
 * locally when it stages a function's code) and for bench/ (which measures what Lambda
 * loads). ESM needs a `require` for the few CommonJS dependencies that call it.
 */
export const FUNCTION_ENTRIES = {
  api: 'functions/api/handler.ts',
  deliver: 'functions/deliver/handler.ts',
  events: 'functions/events/handler.ts',
  authorizer: 'functions/authorizer/handler.ts',
  scheduler: 'functions/scheduler/handler.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** The repository root: entries, the shim alias and node_modules are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const ESM_REQUIRE_BANNER = "import { createRequire as __phCreateRequire } from 'module'; const require = __phCreateRequire(import.meta.url);";

/** The file Lambda loads first; the handler is its `handler` export. */
export const ENTRY_FILE = 'index.mjs';

export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  // The SDK is bundled (not taken from the runtime) so versions are pinned and tree-shaken.
  external: [] as string[],
  alias: { 'mime-types': './infra/shims/mime-types.ts' } as Record<string, string>,
  // Code splitting: each dynamic import() becomes a chunk that is read only when reached, so
  // the deliver function loads the configured transport and nothing of the other one.
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
} as const;

/** esbuild's options for one function, written to `outdir` (ENTRY_FILE plus its chunks and source maps). */
export function buildOptionsFor(name: FunctionName, outdir: string): BuildOptions {
  return {
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    entryPoints: [join(PROJECT_ROOT, FUNCTION_ENTRIES[name])],
    absWorkingDir: PROJECT_ROOT,
    outdir,
    logLevel: 'warning',
  };
}
