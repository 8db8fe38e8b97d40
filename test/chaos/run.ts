/** `npm run test:chaos`: the full chaos run. CHAOS_N messages (default 2,000), CHAOS_SEED. */
import { runChaos, summary } from './harness.js';

const counts = await runChaos({
  messages: Number(process.env.CHAOS_N ?? 2000),
  seed: Number(process.env.CHAOS_SEED ?? 42),
  log: (line) => console.error(`# ${new Date().toISOString().slice(11, 19)} ${line}`),
});
for (const line of summary(counts)) console.log(line);
const ok = counts.lost === 0 && counts.duplicated === 0;
console.log(ok ? 'chaos: PASS (lost = 0, duplicated = 0)' : 'chaos: FAIL');
process.exit(ok ? 0 : 1);
