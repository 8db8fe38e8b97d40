#!/usr/bin/env node
// The `posthaste` bin. In a clone the CLI runs from its TypeScript source through tsx (a
// devDependency, installed by `npm ci`), so no build step is needed; the packed package has
// no source, only the bundle that `npm pack` builds (cli/build-package.ts → dist/cli.mjs).
import { existsSync } from 'node:fs';

const source = new URL('./main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli.mjs');
}
