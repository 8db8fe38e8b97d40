/**
 * Managing webhook endpoints: create (the secret is shown here only), change, rotate the
 * secret (the previous one keeps signing for 24 hours), delete.
 */
import { invalid, PosthasteError } from './errors.js';
import type { Clock } from './ports.js';
import { isWebhookEventType, type WebhookEventType } from './webhook-events.js';
import type { EndpointChanges, WebhookEndpointStore } from './webhook-ports.js';
import { presentEndpoint, type StoredEndpoint, WEBHOOK_FORMATS, type WebhookEndpoint, type WebhookFormat } from './webhook-records.js';

export const ROTATION_GRACE_MS = 24 * 3600 * 1000;
const MAX_DESCRIPTION = 500;
const MAX_URL = 2048;

export interface EndpointDeps {
  endpoints: WebhookEndpointStore;
  clock: Clock;
  newId: () => string;
  newSecret: () => string;
  /** The outbound URL rules of this deployment; throws a message naming what is wrong. */
  checkUrl: (url: string) => void;
}

export interface EndpointInput {
  url?: unknown;
  events?: unknown;
  description?: unknown;
  enabled?: unknown;
  format?: unknown;
}

function readUrl(deps: EndpointDeps, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalid('url', 'is required');
  if (value.length > MAX_URL) throw invalid('url', `is longer than ${MAX_URL} characters`);
  try {
    deps.checkUrl(value);
  } catch (error) {
    throw new PosthasteError('validation_failed', `url: ${(error as Error).message}`, [{ field: 'url', message: (error as Error).message }], { cause: error });
  }
  return value;
}

function readEvents(value: unknown): WebhookEventType[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('events', 'must be a list of event types');
  value.forEach((type, i) => {
    if (typeof type !== 'string' || !isWebhookEventType(type)) throw invalid(`events[${i}]`, 'is not an event type (email.sent, email.delivered, …)');
  });
  return [...new Set(value as WebhookEventType[])];
}

function readFormat(value: unknown): WebhookFormat {
  if (value === undefined || value === null) return 'posthaste';
  if (typeof value !== 'string' || !(WEBHOOK_FORMATS as readonly string[]).includes(value)) {
    throw invalid('format', `must be one of ${WEBHOOK_FORMATS.map((f) => JSON.stringify(f)).join(', ')}`);
  }
  return value as WebhookFormat;
}

function readDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('description', 'must be a string');
  if (value.length > MAX_DESCRIPTION) throw invalid('description', `is longer than ${MAX_DESCRIPTION} characters`);
  return value;
}

const notFound = (id: string) => new PosthasteError('not_found', `no webhook endpoint with id ${id}`, [{ field: 'id', message: 'no such webhook endpoint' }]);

export async function createEndpoint(deps: EndpointDeps, input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('(body)', 'must be a JSON object');
  const url = readUrl(deps, input.url);
  const events = readEvents(input.events);
  const description = readDescription(input.description);
  const format = readFormat(input.format);
  const at = deps.clock.now().toISOString();
  const secret = deps.newSecret();
  const endpoint: StoredEndpoint = {
    id: deps.newId(),
    url,
    format,
    events,
    ...(description !== undefined ? { description } : {}),
    enabled: true,
    createdAt: at,
    updatedAt: at,
    consecutiveFailures: 0,
    secrets: [{ secret, createdAt: at }],
  };
  try {
    await deps.endpoints.create(endpoint);
  } catch (error) {
    throw new PosthasteError('service_unavailable', 'could not store the webhook endpoint; try again', [], { cause: error });
  }
  return { endpoint: presentEndpoint(endpoint), secret };
}

export async function getEndpoint(deps: Pick<EndpointDeps, 'endpoints'>, id: string): Promise<WebhookEndpoint> {
  const found = await deps.endpoints.get(id);
  if (!found) throw notFound(id);
  return presentEndpoint(found);
}

export async function updateEndpoint(deps: EndpointDeps, id: string, input: EndpointInput): Promise<WebhookEndpoint> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('(body)', 'must be a JSON object');
  const changes: EndpointChanges = {};
  if (input.url !== undefined) changes.url = readUrl(deps, input.url);
  if (input.events !== undefined) changes.events = readEvents(input.events);
  if (input.description !== undefined) changes.description = readDescription(input.description) ?? '';
  if (input.format !== undefined) changes.format = readFormat(input.format);
  if (input.enabled !== undefined) {
    if (typeof input.enabled !== 'boolean') throw invalid('enabled', 'must be true or false');
    changes.enabled = input.enabled;
    // Enabling again clears why it was off; disabling by hand says so.
    changes.disabledReason = input.enabled ? null : 'disabled by an operator';
  }
  if (Object.keys(changes).length === 0) throw invalid('(body)', 'names nothing to change (url, events, description, enabled, format)');
  const updated = await deps.endpoints.update(id, changes, deps.clock.now().toISOString());
  if (!updated) throw notFound(id);
  return presentEndpoint(updated);
}

/** A new secret signs from now on; the previous one keeps signing beside it for 24 hours. */
export async function rotateSecret(deps: EndpointDeps, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const found = await deps.endpoints.get(id);
  if (!found) throw notFound(id);
  const now = deps.clock.now();
  const at = now.toISOString();
  const graceEnds = new Date(now.getTime() + ROTATION_GRACE_MS).toISOString();
  const secret = deps.newSecret();
  const kept = found.secrets
    .filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > now.getTime())
    .map((s) => ({ ...s, expiresAt: s.expiresAt !== undefined && s.expiresAt < graceEnds ? s.expiresAt : graceEnds }));
  const updated = await deps.endpoints.replaceSecrets(id, [{ secret, createdAt: at }, ...kept], at);
  if (!updated) throw notFound(id);
  return { endpoint: presentEndpoint(updated), secret };
}

export async function deleteEndpoint(deps: Pick<EndpointDeps, 'endpoints'>, id: string): Promise<void> {
  if (!(await deps.endpoints.remove(id))) throw notFound(id);
}
