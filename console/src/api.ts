/**
 * The console's only way out: the public HTTP API of the page's own origin (the local
 * gateway of `npm start`, or the forwarder of `npx posthaste console`, which adds the key).
 * A key typed into the page is kept for this tab only (sessionStorage).
 */
import type {
  Bounce,
  BounceList,
  Email,
  EmailContent,
  EmailList,
  EmailSummary,
  Problem,
  RenderedTemplate,
  RenderTemplateRequest,
  Suppression,
  SuppressionList,
  Template,
  TemplateList,
  TemplateSummary,
  WebhookDeliveryList,
  WebhookEndpoint,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookEndpointRequest,
} from '../../client/api-types.js';

const KEY_ITEM = 'posthaste.apiKey';

export const storedKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const storeKey = (key: string | null): void => (key ? sessionStorage.setItem(KEY_ITEM, key) : sessionStorage.removeItem(KEY_ITEM));

/** A refusal from the API, with its problem document (or one made from what a gateway said). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
  /** The API wants a key this tab does not have (or has a wrong one). */
  get needsKey(): boolean {
    return this.status === 401;
  }
}

type Query = Record<string, string | number | undefined>;

function pathWith(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const key = storedKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), cache: 'no-store' });
  const text = await response.text();
  const parsed = text ? jsonOrUndefined(text) : undefined;
  if (!response.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : { detail: text.slice(0, 300) }) as Partial<Problem> & { message?: string };
    throw new ApiError(response.status, { ...problem, detail: problem.detail ?? problem.message ?? `HTTP ${response.status}` });
  }
  return parsed as T;
}

const id = encodeURIComponent;

export const api = {
  email: (emailId: string) => call<Email>('GET', `/v1/emails/${id(emailId)}`),
  bounces: (query: Query) => call<BounceList>('GET', pathWith('/v1/bounces', query)),
  suppressions: (query: Query) => call<SuppressionList>('GET', pathWith('/v1/suppressions', query)),
  suppression: (address: string) => call<Suppression>('GET', `/v1/suppressions/${id(address)}`),
  removeSuppression: (address: string) => call<void>('DELETE', `/v1/suppressions/${id(address)}`),
  webhooks: (query: Query) => call<WebhookEndpointList>('GET', pathWith('/v1/webhooks', query)),
  webhook: (endpointId: string) => call<WebhookEndpoint>('GET', `/v1/webhooks/${id(endpointId)}`),
  createWebhook: (request: WebhookEndpointRequest) => call<WebhookEndpointCreated>('POST', '/v1/webhooks', request),
  updateWebhook: (endpointId: string, changes: Partial<WebhookEndpointRequest>) => call<WebhookEndpoint>('PATCH', `/v1/webhooks/${id(endpointId)}`, changes),
  deleteWebhook: (endpointId: string) => call<void>('DELETE', `/v1/webhooks/${id(endpointId)}`),
  rotateSecret: (endpointId: string) => call<WebhookEndpointCreated>('POST', `/v1/webhooks/${id(endpointId)}/rotate-secret`),
  deliveries: (endpointId: string, query: Query) => call<WebhookDeliveryList>('GET', pathWith(`/v1/webhooks/${id(endpointId)}/deliveries`, query)),
  templates: (query: Query) => call<TemplateList>('GET', pathWith('/v1/templates', query)),
  template: (alias: string, version?: number) => call<Template>('GET', pathWith(`/v1/templates/${id(alias)}`, { version })),
  renderTemplate: (alias: string, version: number, request: RenderTemplateRequest) =>
    call<RenderedTemplate>('POST', pathWith(`/v1/templates/${id(alias)}/render`, { version }), request),
  resend: (endpointId: string, deliveryId: string) => call<unknown>('POST', `/v1/webhooks/${id(endpointId)}/deliveries/${id(deliveryId)}/retry`),
};

export type { Bounce, Email, EmailContent, EmailSummary, RenderedTemplate, Suppression, Template, TemplateSummary, WebhookEndpoint, WebhookEndpointCreated };

/** Every status a message can have, in lifecycle order (the filter's choices). */
export const STATUSES: Email['status'][] = ['scheduled', 'queued', 'sent', 'delivered', 'bounced', 'complained', 'failed', 'suppressed', 'canceled'];

/** Statuses after which nothing more is expected (live refresh of one message stops there). */
export const SETTLED: ReadonlySet<string> = new Set(['delivered', 'bounced', 'complained', 'failed', 'suppressed', 'canceled']);

export const listEmails = (query: Query) => call<EmailList>('GET', pathWith('/v1/emails', query));

export const emailContent = (emailId: string) => call<EmailContent>('GET', `/v1/emails/${id(emailId)}/content`);

export type WebhookEventType = WebhookEndpoint['events'][number];
/** Every event type an endpoint can ask for, with words for a person; a type the API adds and this list lacks fails the type check. */
export const WEBHOOK_EVENTS = {
  'email.sent': 'sent',
  'email.delivered': 'delivered',
  'email.delivery_delayed': 'delivery delayed',
  'email.bounced': 'bounced',
  'email.complained': 'complained',
  'email.failed': 'failed',
  'email.suppressed': 'suppressed',
  'email.opened': 'opened',
  'email.clicked': 'clicked',
  'email.canceled': 'canceled',
} satisfies Record<WebhookEventType, string>;
