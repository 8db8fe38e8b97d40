import type { PayloadStore } from './claim-check.js';
import { INLINE_PAYLOAD_MAX_BYTES, inlinePayloads } from './inline-payloads.js';
import type { PayloadStash, StashedPayload } from './schedule-ports.js';
import type { EmailRequest } from './send-request.js';

/** Where scheduled requests wait; the bucket keeps this prefix longer than the longest schedule. */
export const SCHEDULED_PREFIX = 'scheduled/';

/**
 * A scheduled message's request: inline in its DynamoDB item when small, otherwise in the
 * payload store (S3) until the scheduler hands it to the queue or it is canceled.
 */
export function claimCheckStash(store: PayloadStore, inlineLimit = INLINE_PAYLOAD_MAX_BYTES): PayloadStash {
  return {
    async stash(id: string, request: EmailRequest): Promise<StashedPayload> {
      const json = JSON.stringify(request);
      if (Buffer.byteLength(json) <= inlineLimit) return { inline: json };
      const ref = `${SCHEDULED_PREFIX}${id}.json`;
      await store.put(ref, json);
      return { ref };
    },
    async restore(stashed: StashedPayload): Promise<EmailRequest> {
      if ('inline' in stashed) return inlinePayloads.restore(stashed);
      const json = await store.get(stashed.ref);
      if (json === undefined) throw new Error(`stored request ${stashed.ref} is missing`);
      return JSON.parse(json) as EmailRequest;
    },
    async discard(stashed: StashedPayload): Promise<void> {
      if ('ref' in stashed) await store.delete(stashed.ref);
    },
  };
}
