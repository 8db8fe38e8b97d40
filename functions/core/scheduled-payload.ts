import { PosthasteError } from './errors.js';
import type { PayloadStore } from './ports.js';
import type { StashedPayload } from './records.js';
import type { EmailRequest } from './send-request.js';

/**
 * A scheduled message's request waits in its DynamoDB item (items hold at most 400 KB)
 * when small, otherwise in the payload store (S3) until the scheduler hands it to the queue
 * or it is canceled. Without a payload store a larger scheduled message is refused with
 * 413 rather than accepted and lost.
 */
export const INLINE_PAYLOAD_MAX_BYTES = 300 * 1024;

/** Where scheduled requests wait; the bucket keeps this prefix longer than the longest schedule. */
export const SCHEDULED_PREFIX = 'scheduled/';

export async function stashRequest(payloads: PayloadStore | undefined, id: string, request: EmailRequest): Promise<StashedPayload> {
  const json = JSON.stringify(request);
  const bytes = Buffer.byteLength(json);
  if (bytes <= INLINE_PAYLOAD_MAX_BYTES) return { inline: json };
  if (!payloads) {
    throw new PosthasteError('payload_too_large', `a scheduled message can be at most ${INLINE_PAYLOAD_MAX_BYTES} bytes of JSON; this one is ${bytes}`, [
      { field: 'scheduledAt', message: `scheduling is limited to messages up to ${INLINE_PAYLOAD_MAX_BYTES} bytes; send it now or make it smaller` },
    ]);
  }
  const ref = `${SCHEDULED_PREFIX}${id}.json`;
  await payloads.put(ref, json);
  return { ref };
}

export async function restoreRequest(payloads: PayloadStore | undefined, stashed: StashedPayload): Promise<EmailRequest> {
  if ('inline' in stashed) return JSON.parse(stashed.inline) as EmailRequest;
  if (!payloads) throw new Error(`stored request ${stashed.ref} lives in a payload store, which is not configured`);
  const json = await payloads.get(stashed.ref);
  if (json === undefined) throw new Error(`stored request ${stashed.ref} is missing`);
  return JSON.parse(json) as EmailRequest;
}

/** Forgets it once the message is queued or canceled (nothing to do for an inline payload). */
export async function discardRequest(payloads: PayloadStore | undefined, stashed: StashedPayload): Promise<void> {
  if ('ref' in stashed) await payloads?.delete(stashed.ref);
}
