/**
 * One batch from the webhook queue: events are fanned out to deliveries, deliveries are
 * attempted. A delivery to retry stays on the queue, invisible for its schedule's delay
 * (the visibility timeout reaches 12 hours, past the 15 minutes DelaySeconds allows); a
 * fan-out that failed is received again shortly. What cannot be read stays too, so the
 * queue moves it to its DLQ at the receive limit instead of dropping it.
 */
import type { ReceivedMessage } from './deliver-batch.js';
import { attemptDelivery, type DispatchDeps, fanOut } from './dispatch-webhooks.js';
import { describeError } from './log.js';
import type { EmailQueue } from './ports.js';
import { readWebhookQueueBody } from './webhook-queue.js';

export interface DispatchBatchDeps extends DispatchDeps {
  /** The webhook queue's own visibility control. */
  visibility: Pick<EmailQueue, 'delayRetry'>;
}

/** A fan-out that failed is tried again after this long. */
const FAN_OUT_RETRY_SECONDS = 10;

/** Returns the queue message ids that stay on the queue. */
export async function dispatchBatch(deps: DispatchBatchDeps, received: ReceivedMessage[]): Promise<string[]> {
  const stays: string[] = [];
  // Endpoints are read once per batch, not once per event.
  let endpoints: Awaited<ReturnType<DispatchDeps['endpoints']['enabled']>> | undefined;
  await Promise.all(
    received.map(async (message) => {
      const body = readWebhookQueueBody(message.body);
      let retryIn: number | undefined;
      try {
        if (!body) {
          deps.log('error', 'unreadable webhook queue message; it goes to the DLQ after the receive limit', { sqsMessageId: message.queueMessageId });
          stays.push(message.queueMessageId);
          return;
        }
        if (body.kind === 'events') {
          endpoints ??= await deps.endpoints.enabled();
          await fanOut(deps, body.events, endpoints);
          return;
        }
        const outcome = await attemptDelivery(deps, { endpointId: body.endpointId, deliveryId: body.deliveryId });
        if (outcome.result === 'retry') retryIn = outcome.afterSeconds;
      } catch (error) {
        deps.log('error', 'webhook dispatch failed on our side; the queue delivers it again', {
          sqsMessageId: message.queueMessageId,
          error: describeError(error),
        });
        retryIn = FAN_OUT_RETRY_SECONDS;
      }
      if (retryIn === undefined) return;
      stays.push(message.queueMessageId);
      await deps.visibility
        .delayRetry(message.receiptHandle, retryIn)
        .catch((error) => deps.log('warn', 'could not set the webhook retry delay', { sqsMessageId: message.queueMessageId, error: describeError(error) }));
    }),
  );
  return stays;
}
