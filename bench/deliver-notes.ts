/** The closing notes of the deliver sections: what limits each, with the numbers of the run. */
import type { DeliverResult, IrreducibleResult } from './deliver.js';

export interface DeliverNotesInput {
  deliver?: DeliverResult | undefined;
  deliver_irreducible?: IrreducibleResult | undefined;
  deliver_memory_store?: DeliverResult | undefined;
}

const against = (ratio: number, target: number) => (ratio >= target ? `met, target ${target}×` : `target ${target}×`);

export function deliverNotes(r: DeliverNotesInput, targets: { deliver_irreducible: number; deliver_memory_store: number }): string[] {
  const out: string[] = [];
  const d = r.deliver;
  if (d) {
    const store = d.store_server_cpu_ms_per_msg;
    out.push(
      `- **deliver ${d.ratio}×** (diagnostic, no target): nodemailer alone does none of the store's work. Ours is ${d.ours_cpu_ms_per_msg} ms of CPU per message in the handler's process (nodemailer: ${d.nodemailer_cpu_ms_per_msg} ms)${store !== undefined ? ` plus ${store} ms in dynalite` : ''}; deliver_irreducible says where it goes.`,
    );
  }
  const i = r.deliver_irreducible;
  if (i) {
    out.push(
      `- **deliver_irreducible ${i.ratio}×** (${against(i.ratio, targets.deliver_irreducible)}): ours makes ${i.ours_store_requests_per_msg} DynamoDB and ${i.ours_queue_requests_per_msg} SQS requests per message against the floor's ${i.irreducible_store_requests_per_msg}, and its CPU per message follows the count (${i.ours_cpu_ms_per_msg} vs ${i.irreducible_cpu_ms_per_msg} ms in the handler's process${i.ours_store_server_cpu_ms_per_msg !== undefined ? `, ${i.ours_store_server_cpu_ms_per_msg} vs ${i.irreducible_store_server_cpu_ms_per_msg} ms in dynalite` : ''}). ` +
        `A CPU profile (\`node --cpu-prof\`) of the handler puts the client CPU above nodemailer's in the AWS SDK's per-request path — middleware, SigV4 signing and hashing, the HTTP request, whose socket write (\`writev\`) alone took ≈ 0.5 ms per request in a profile on a loaded machine — not in our own code: the same handler with the outbox off makes the floor's ${i.without_outbox_store_requests_per_msg} requests and runs at ${i.without_outbox_ratio}× it (${i.without_outbox_cpu_ms_per_msg} ms CPU per message; the rest is re-validating the request and building the MIME, which the floor sends prebuilt). ` +
        `The extra requests are the webhook outbox (a fact is never left without its event): after the status write, the event goes into the pull feed (for GET /v1/events), then to the webhook queue, then a conditional write clears the message's outbox mark. Fixed here: the outbox no longer reads the record back after each write (the write returns it, ReturnValues ALL_NEW: one DynamoDB request less per message); tells that come while a publish is in flight go together in the next one (a group commit: ${i.ours_queue_requests_per_msg} SQS requests per message instead of 1); and a group's feed items go in one BatchWriteItem instead of one UpdateItem per event (4.1 DynamoDB requests per message before). ` +
        "What is left has no batched form under the outbox's rules: the mark-clearing write is a conditional update per message (BatchWriteItem cannot update or condition, and dynalite has no TransactWriteItems). Removing the outbox writes altogether means feeding the dispatcher and the feed from a DynamoDB stream, a design change. On AWS the store's server CPU is not the function's, and each request costs ≈ 5–10 ms of latency more than CPU.",
    );
  }
  const m = r.deliver_memory_store;
  if (m)
    out.push(
      `- **deliver_memory_store ${m.ratio}×** (${against(m.ratio, targets.deliver_memory_store)}; ${m.ours_cpu_ms_per_msg} vs ${m.nodemailer_cpu_ms_per_msg} ms CPU per message): with no store round trips left, the difference is work nodemailer's baseline is handed done — in a CPU profile of this section (inspector, 100 µs sampling, 8,000 messages), per message: building the MIME (nodemailer gets the raw bytes) ≈ 40 µs, re-validating the queued request (the queue can be written by other hands; one schema for what the API accepts and what the worker sends) ≈ 30 µs, the outbox (events with SHA-256 ids, queue-safe JSON bodies, the feed and the mark) ≈ 50 µs, and the in-memory store's structured clones ≈ 60 µs (a test double's cost, not a deployment's); nodemailer's own send is the same in both; within one batch in flight the handler is CPU-bound, so the ratio is roughly nodemailer's CPU over ours.`,
    );
  return out;
}
