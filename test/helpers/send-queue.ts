import type { Pipeline } from '../../local/pipeline.js';
import { waitFor } from './http.js';

/**
 * Waits until the local send queue is empty. It counts ready, delayed and in-flight messages,
 * so once it is empty every message queued so far has been delivered or dropped and nothing
 * more can reach the relay: the positive signal to wait for before checking that something
 * did not happen.
 */
export async function sendQueueDrained(pipeline: Pick<Pipeline, 'queueBodies'>, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => (pipeline.queueBodies('send').length === 0 ? true : undefined), timeoutMs, 'the send queue to drain');
}
