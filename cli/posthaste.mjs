#!/usr/bin/env node
// `npx posthaste …`: the CLI is TypeScript; tsx (a devDependency, installed by `npm ci`)
// compiles it on load, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
