#!/usr/bin/env node
// `npx posthaste …`. In a clone the CLI runs from its TypeScript source, which tsx (a
// devDependency, installed by `npm ci`) compiles on load, so a fresh clone needs no build
// step. The packed package holds no source: `npm pack` bundled it into dist/cli.js
// (cli/build-package.ts), which runs as it is.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
} else {
  await import('../dist/cli.js');
}
