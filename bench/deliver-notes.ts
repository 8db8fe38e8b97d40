/** The closing notes of the deliver sections: what limits each, with the numbers of the run. */
import type { DeliverResult, IrreducibleResult } from './deliver.js';

export interface DeliverNotesInput {
  deliver?: DeliverResult | undefined;
  deliver_irreducible?: IrreducibleResult | undefined;
  deliver_memory_store?: DeliverResult | undefined;
}

const against = (ratio: number, target: number) => (ratio >= target ? `met, target ${target}×` : `target ${target}×`);

export function deliverNotes(r: DeliverNotesInput, targets: { deliver: number; deliver_irreducible: number; deliver_memory_store: number }): string[] {
  const out: string[] = [];
  const d = r.deliver;
  if (d) {
    const store = d.store_server_cpu_ms_per_msg;
    out.push(
      `- **deliver ${d.ratio}×** (${against(d.ratio, targets.deliver)}): nodemailer alone does none of the store's work. Ours is ${d.ours_cpu_ms_per_msg} ms of CPU per message in the handler's process (nodemailer: ${d.nodemailer_cpu_ms_per_msg} ms)${store !== undefined ? ` plus ${store} ms in dynalite` : ''}; deliver_irreducible says where it goes.`,
    );
  }
  const i = r.deliver_irreducible;
  if (i) {
    out.push(
      `- **deliver_irreducible ${i.ratio}×** (${against(i.ratio, targets.deliver_irreducible)}): ours makes ${i.ours_store_requests_per_msg} DynamoDB and ${i.ours_queue_requests_per_msg} SQS requests per message against the floor's ${i.irreducible_store_requests_per_msg}, and its CPU per message follows the count (${i.ours_cpu_ms_per_msg} vs ${i.irreducible_cpu_ms_per_msg} ms in the handler's process${i.ours_store_server_cpu_ms_per_msg !== undefined ? `, ${i.ours_store_server_cpu_ms_per_msg} vs ${i.irreducible_store_server_cpu_ms_per_msg} ms in dynalite` : ''}). ` +
        `A CPU profile (\`node --cpu-prof\`) of the handler puts the client CPU above nodemailer's in the AWS SDK's per-request path — middleware, SigV4 signing and hashing, the HTTP request whose socket write (\`writev\`) alone takes ≈ 0.5 ms per request on this loaded machine — not in our own code: the same handler with the outbox off makes the floor's ${i.without_outbox_store_requests_per_msg} requests and runs at ${i.without_outbox_ratio}× it (${i.without_outbox_cpu_ms_per_msg} ms CPU per message; the rest is re-validating the request and building the MIME, which the floor sends prebuilt). ` +
        `The extra requests are the webhook outbox (a fact is never left without its event): after the status write, the events go to the webhook queue and a conditional write clears the message's outbox mark. Fixed here: the outbox no longer reads the record back after each write (the write returns it, ReturnValues ALL_NEW: −1 DynamoDB request per message), and tells that come while a publish is in flight go together in the next one (one SQS request for several messages instead of one each: ${i.ours_queue_requests_per_msg} per message). Before both, ours made 4.1 DynamoDB and 1 SQS requests per message and ran at 0.30× the floor. ` +
        "What is left — the mark-clearing write, one per message — has no batched form (BatchWriteItem cannot update or condition, dynalite has no TransactWriteItems); removing it means feeding the dispatcher from a DynamoDB stream instead of an outbox, a design change. On AWS the store's server CPU is not the function's, and each request costs ≈ 5–10 ms of latency more than CPU.",
    );
  }
  const m = r.deliver_memory_store;
  if (m)
    out.push(
      `- **deliver_memory_store ${m.ratio}×** (${against(m.ratio, targets.deliver_memory_store)}; ${m.ours_cpu_ms_per_msg} vs ${m.nodemailer_cpu_ms_per_msg} ms CPU per message): with no store round trips left, the difference is work nodemailer's baseline is handed done — re-validating the queued request (the queue can be written by other hands), building the MIME (nodemailer gets the raw bytes), the outbox's events (their ids are SHA-256 of message and position) — each some tens of µs per message, plus the in-memory store's copies; within one batch in flight the handler is CPU-bound, so the ratio is roughly nodemailer's CPU over ours.`,
    );
  return out;
}
