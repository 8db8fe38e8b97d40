/**
 * `npm run test:chaos`: the full chaos run. CHAOS_N messages (default 2,000) through an SMTP
 * relay that injects faults, then CHAOS_N / 2 through the SES API with throttling bursts; the
 * deliver worker is killed and restarted in both. Every run also has a webhook receiver that
 * fails a share of requests, and a worker that kills itself after some state writes, before it
 * tells the webhook queue: every event the final records hold must still arrive, signed.
 * CHAOS_SEED replays a run.
 */
import { type ChaosCounts, runChaos, summary } from './harness.js';
import type { WebhookCounts } from './webhook-chaos.js';

const n = Number(process.env.CHAOS_N ?? 2000);
const seed = Number(process.env.CHAOS_SEED ?? 42);
const log = (line: string) => console.error(`# ${new Date().toISOString().slice(11, 19)} ${line}`);

const smtp = await runChaos({ messages: n, seed, transport: 'smtp', log });
for (const line of summary(smtp, '[smtp]')) console.log(line);
const ses = await runChaos({ messages: Math.max(1, Math.floor(n / 2)), seed: seed + 1, transport: 'ses', log });
for (const line of summary(ses, '[ses]')) console.log(line);

const total = (key: keyof ChaosCounts) => (smtp[key] as number) + (ses[key] as number);
for (const key of ['accepted', 'sent', 'failed', 'suppressed', 'retried', 'inDlq', 'lost', 'duplicated', 'unavoidableDuplicates'] as const) {
  console.log(`[total] ${key}: ${total(key)}`);
}
const hooks = (key: keyof WebhookCounts) => (smtp.webhooks[key] as number) + (ses.webhooks[key] as number);
for (const key of ['expected', 'delivered', 'lost', 'duplicated', 'unexpected', 'badSignatures', 'killsAfterWrite', 'sweptEvents'] as const) {
  console.log(`[total] webhook ${key}: ${hooks(key)}`);
}
const ok = total('lost') === 0 && total('duplicated') === 0 && hooks('lost') === 0 && hooks('unexpected') === 0 && hooks('badSignatures') === 0;
console.log(ok ? 'chaos: PASS (lost = 0, duplicated = 0; webhook events lost = 0, every signature valid)' : 'chaos: FAIL');
process.exit(ok ? 0 : 1);
