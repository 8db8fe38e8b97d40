/**
 * Webhook endpoints and their deliveries, as stored (plain attribute names: operators read
 * them in the DynamoDB console) and as the ports pass them around.
 */
import type { WebhookEventType } from './webhook-events.js';

export interface EndpointSecret {
  /** `whsec_<base64>`: shown to the caller once, at creation or rotation; never logged. */
  secret: string;
  createdAt: string;
  /** A rotated-out secret keeps signing beside the new one until then. */
  expiresAt?: string;
}

/**
 * How an endpoint's deliveries are written: `posthaste` (our payload, Standard Webhooks
 * `webhook-*` headers) or `resend` (Resend's payload, the same signature under `svix-*`
 * headers), so a receiver written for Resend keeps working unchanged.
 */
export const WEBHOOK_FORMATS = ['posthaste', 'resend'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Absent on endpoints created before formats existed: `posthaste`. */
  format?: WebhookFormat;
  /** Types delivered to it; empty means every type. */
  events: WebhookEventType[];
  description?: string;
  enabled: boolean;
  /** Why it was disabled, when it was (by an operator, or after failing for a day). */
  disabledReason?: string;
  disabledAt?: string;
  createdAt: string;
  updatedAt: string;
  /** Attempts failed in a row since the last 2xx. */
  consecutiveFailures: number;
  failingSince?: string;
}

/** An endpoint with its signing secrets (newest first): what the store holds, never what the API shows. */
export interface StoredEndpoint extends WebhookEndpoint {
  secrets: EndpointSecret[];
}

export interface WebhookAttempt {
  at: string;
  durationMs: number;
  /** The HTTP status the endpoint answered; absent when it did not answer (timeout, refused, TLS). */
  statusCode?: number;
  /** The first bytes of the reply body. */
  reply?: string;
  error?: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDelivery {
  endpointId: string;
  /** Sorts by the event's time; deterministic, so an event fanned out twice is one delivery. */
  deliveryId: string;
  eventId: string;
  eventType: WebhookEventType;
  /** Our message id, for joining and for the console. */
  messageId: string;
  /** The exact body every attempt sends (signatures cover it byte for byte). */
  payload: string;
  status: DeliveryStatus;
  attempts: WebhookAttempt[];
  createdAt: string;
  updatedAt: string;
  /** Unix seconds: the table's TTL removes the delivery and its attempts after 30 days. */
  expiresAt: number;
  /** While an attempt is in flight (ISO 8601): no other queue message may post it before then. */
  attemptingUntil?: string;
  /** After a failed attempt (ISO 8601): the retry's queue message is due then; an earlier copy is not. */
  nextAttemptAt?: string;
}

/** What the webhook queue carries: which delivery to attempt (the payload stays in the store). */
export interface DeliveryRef {
  endpointId: string;
  deliveryId: string;
}

export const deliveryIdFor = (eventId: string, createdAt: string): string => `${String(Date.parse(createdAt) || 0).padStart(13, '0')}_${eventId}`;

/** The endpoint as the API shows it: everything but the secrets. */
export function presentEndpoint(endpoint: StoredEndpoint | WebhookEndpoint): WebhookEndpoint {
  const { secrets: _secrets, ...shown } = endpoint as StoredEndpoint;
  return shown;
}

/** Secrets that still sign at `at`: the current one and a rotated-out one within its grace period. */
export const signingSecrets = (endpoint: StoredEndpoint, at: Date): string[] =>
  endpoint.secrets.filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > at.getTime()).map((s) => s.secret);
