/**
 * What webhook delivery needs from the outside world: the endpoints and deliveries tables,
 * the webhook queue, and an HTTP client that signs and posts.
 */
import type { WebhookEvent } from './webhook-events.js';
import type { DeliveryRef, DeliveryStatus, StoredEndpoint, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook-records.js';

export interface PageOf<T> {
  items: T[];
  next?: Record<string, string>;
}

export interface EndpointChanges {
  url?: string;
  events?: WebhookEndpoint['events'];
  description?: string;
  enabled?: boolean;
  disabledReason?: string | null;
  /** Deliveries fanned out from now on are written in it; those already stored keep theirs. */
  format?: WebhookEndpoint['format'];
}

export interface WebhookEndpointStore {
  /** Fails if the id exists. */
  create(endpoint: StoredEndpoint): Promise<void>;
  get(id: string): Promise<StoredEndpoint | undefined>;
  list(page: { limit: number; after?: Record<string, string> }): Promise<PageOf<StoredEndpoint>>;
  /** Every enabled endpoint (few per deployment: the dispatcher reads them all). */
  enabled(): Promise<StoredEndpoint[]>;
  /** Undefined when there is no such endpoint. */
  update(id: string, changes: EndpointChanges, at: string): Promise<StoredEndpoint | undefined>;
  /** The new secret first; the others kept with their expiry. */
  replaceSecrets(id: string, secrets: StoredEndpoint['secrets'], at: string): Promise<StoredEndpoint | undefined>;
  /** After an attempt: the failure streak, and when given, the endpoint disabled with the reason. */
  recordStreak(id: string, streak: { consecutiveFailures: number; failingSince?: string }, disable?: { reason: string; at: string }): Promise<void>;
  /** False when there was no such endpoint. */
  remove(id: string): Promise<boolean>;
}

export interface WebhookDeliveryStore {
  /** False when it exists already (the same event fanned out again). */
  createIfAbsent(delivery: WebhookDelivery): Promise<boolean>;
  get(ref: DeliveryRef): Promise<WebhookDelivery | undefined>;
  /**
   * Takes the next attempt: a pending delivery whose retry is due and that no other attempt
   * holds. Undefined when it is not this caller's to make (a copy of its queue message, or
   * one that arrived early).
   */
  claim(ref: DeliveryRef, now: string, until: string): Promise<WebhookDelivery | undefined>;
  /** Appends an attempt, sets the status and, when it will be retried, when; releases the claim. */
  recordAttempt(ref: DeliveryRef, attempt: WebhookAttempt, status: DeliveryStatus, at: string, nextAttemptAt?: string): Promise<void>;
  /** A finished delivery back to pending for a resend by hand; false when it is missing or still pending. */
  reopen(ref: DeliveryRef, at: string): Promise<boolean>;
  /** Newest first. */
  list(endpointId: string, page: { limit: number; after?: Record<string, string> }): Promise<PageOf<WebhookDelivery>>;
}

export interface WebhookQueue {
  /** Events to fan out to the endpoints that want them. */
  publishEvents(events: WebhookEvent[]): Promise<void>;
  /** Deliveries to attempt now. */
  enqueueDeliveries(refs: DeliveryRef[]): Promise<void>;
}

export interface SignedPost {
  url: string;
  /** The event id: the `webhook-id` header, the same on every attempt. */
  id: string;
  body: string;
  /** Newest first; every one of them signs (rotation). */
  secrets: string[];
  at: Date;
  /** The signature headers' names: `webhook-*` (Standard Webhooks, the default) or `svix-*` (Resend-format endpoints). */
  headerNames?: 'webhook' | 'svix';
}

export interface WebhookSender {
  /** Never throws for what the endpoint does: a refusal, a timeout or a 500 is an attempt that failed. */
  post(request: SignedPost): Promise<WebhookAttempt & { ok: boolean }>;
}
