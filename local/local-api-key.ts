import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiKeyStore } from '../functions/compose/authorizer.js';
import { checkApiKey, createApiKey } from '../functions/core/api-key-admin.js';
import { systemClock } from '../functions/core/ports.js';
import type { Pipeline } from './pipeline.js';

/**
 * The key `npm start` prints when keys are required: made once per data folder and kept in
 * it (mode 600), so the banner's curl works on every start; a revoked or lost one is replaced.
 */
export async function localApiKey(pipeline: Pipeline, dataDir: string): Promise<string> {
  const store = apiKeyStore(pipeline.env, pipeline.aws);
  const file = join(dataDir, 'api-key');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if ((await checkApiKey(store, `Bearer ${kept}`)).ok) return kept;
  }
  const { apiKey } = await createApiKey({ store, clock: systemClock }, 'npm start');
  writeFileSync(file, `${apiKey}\n`, { mode: 0o600 });
  return apiKey;
}
