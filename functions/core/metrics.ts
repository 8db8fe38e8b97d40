/**
 * What the service counts, as core sees it. Powertools Metrics (CloudWatch EMF) in Lambda;
 * nothing locally. Names are the CloudWatch metric names.
 */
export type CountMetric =
  | 'accepted'
  | 'sent'
  | 'failed'
  | 'bounced'
  | 'complained'
  | 'suppressed'
  | 'retries'
  | 'canceled'
  | 'scheduled'
  | 'webhookDelivered'
  | 'webhookAttemptFailed'
  | 'webhookDeliveryFailed'
  | 'webhookEndpointDisabled'
  // Per sweep of the scheduler: due messages queued, and closed as failed.
  | 'sweepQueued'
  | 'sweepFailed'
  // Per sweep: webhook events emitted for writers that stopped before telling the queue.
  | 'outboxEventsEmitted'
  // Per authorizer decision.
  | 'apiKeyAccepted'
  | 'apiKeyRefused';
export type LatencyMetric = 'queueToSentLatency';

export interface Metrics {
  count(name: CountMetric, value?: number): void;
  latency(name: LatencyMetric, milliseconds: number): void;
}

export const noMetrics: Metrics = { count: () => undefined, latency: () => undefined };
