import { PosthasteError } from './errors.js';
import type { PayloadStash, StashedPayload } from './schedule-ports.js';
import type { EmailRequest } from './send-request.js';

/**
 * Keeps a scheduled message's request inside its DynamoDB item (items hold at most 400 KB).
 * A claim-check store (S3) implements the same port for larger requests; until it is
 * wired, a larger scheduled message is refused with 413 rather than accepted and lost.
 */
export const INLINE_PAYLOAD_MAX_BYTES = 300 * 1024;

export const inlinePayloads: PayloadStash = {
  async stash(_id: string, request: EmailRequest): Promise<StashedPayload> {
    const inline = JSON.stringify(request);
    const bytes = Buffer.byteLength(inline);
    if (bytes > INLINE_PAYLOAD_MAX_BYTES) {
      throw new PosthasteError('payload_too_large', `a scheduled message can be at most ${INLINE_PAYLOAD_MAX_BYTES} bytes of JSON; this one is ${bytes}`, [
        { field: 'scheduledAt', message: `scheduling is limited to messages up to ${INLINE_PAYLOAD_MAX_BYTES} bytes; send it now or make it smaller` },
      ]);
    }
    return { inline };
  },
  async restore(stashed: StashedPayload): Promise<EmailRequest> {
    if (!('inline' in stashed)) throw new Error('this payload lives in a claim-check store, which is not configured');
    return JSON.parse(stashed.inline) as EmailRequest;
  },
};
