/**
 * How every function is bundled: one definition that the CDK construct runs
 * (constructs/posthaste-function.ts, through esbuild's API) and that bench/ measures.
 * ESM needs a `require` for the few CommonJS dependencies that call it.
 *
 * Code splitting: what a function imports with `import()` becomes chunks beside
 * index.mjs, loaded only when that path runs. The deliver function imports its
 * transport so: an SES deployment never loads nodemailer, an SMTP one never the SES
 * client. NodejsFunction cannot do this (it always passes `--outfile`, and esbuild
 * splits only into an `outdir`), hence the construct's own local bundling.
 */
import { join } from 'node:path';
import { type BuildOptions, type BuildResult, build, buildSync } from 'esbuild';

export const FUNCTION_ENTRIES = {
  api: 'functions/api/handler.ts',
  deliver: 'functions/deliver/handler.ts',
  events: 'functions/events/handler.ts',
  authorizer: 'functions/authorizer/handler.ts',
  scheduler: 'functions/scheduler/handler.ts',
  dispatcher: 'functions/dispatcher/handler.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

export const ESM_REQUIRE_BANNER = "import { createRequire as __phCreateRequire } from 'module'; const require = __phCreateRequire(import.meta.url);";

/** esbuild options shared by every bundle (without where it goes). */
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
  // Paths relative to the project root, where both the CDK and bench/ run esbuild.
  alias: {
    'mime-types': './infra/shims/mime-types.ts',
    '@babel/runtime-corejs3/core-js/instance/trim': './infra/shims/string-trim.ts',
  } as Record<string, string>,
} as const;

/** One function into `outdir`: index.mjs (handler `index.handler`) and the chunks its dynamic imports load. */
function functionBuild(projectRoot: string, name: FunctionName, outdir: string): BuildOptions {
  return {
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    absWorkingDir: projectRoot,
    entryPoints: { index: join(projectRoot, FUNCTION_ENTRIES[name]) },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  };
}

/** For the CDK's local bundling, which is synchronous. */
export function bundleFunctionSync(projectRoot: string, name: FunctionName, outdir: string): void {
  buildSync(functionBuild(projectRoot, name, outdir));
}

/** For bench/ and tests: the same build, with esbuild's metafile (what each output file carries and imports). */
export function bundleFunction(projectRoot: string, name: FunctionName, outdir: string): Promise<BuildResult<{ metafile: true }>> {
  return build({ ...functionBuild(projectRoot, name, outdir), metafile: true, logLevel: 'silent' });
}
