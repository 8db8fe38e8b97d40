/**
 * How every function is bundled: one definition for the CDK construct (NodejsFunction's
 * `bundling` props) and for bench/ (which bundles with esbuild directly to measure what
 * Lambda loads). ESM needs a `require` for the few CommonJS dependencies that call it.
 */
export const FUNCTION_ENTRIES = {
  api: 'functions/api/handler.ts',
  deliver: 'functions/deliver/handler.ts',
  events: 'functions/events/handler.ts',
  authorizer: 'functions/authorizer/handler.ts',
  scheduler: 'functions/scheduler/handler.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

export const ESM_REQUIRE_BANNER = "import { createRequire as __phCreateRequire } from 'module'; const require = __phCreateRequire(import.meta.url);";

/** esbuild options equivalent to the NodejsFunction bundling below. */
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
  alias: { 'mime-types': './infra/shims/mime-types.ts' } as Record<string, string>,
} as const;
