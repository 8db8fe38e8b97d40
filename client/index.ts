/**
 * A small typed client for the Posthaste HTTP API.
 *
 *   const posthaste = new Posthaste({ baseUrl: 'https://…/prod', apiKey: process.env.POSTHASTE_API_KEY });
 *   const { id } = await posthaste.send({ from: 'a@example.com', to: 'b@example.org', subject: 'Hi', text: 'Hello' });
 *
 * Authentication: an API key (sent as `Authorization: Bearer <key>`, the one header the authorizer reads), or
 * AWS SigV4 with credentials from the default provider chain for the IAM-authorized
 * endpoint. Every refusal is thrown as a PosthasteApiError carrying the problem document.
 */
// The API's shapes come from docs/openapi.json (see write-api-types.ts for why), so this
// folder imports nothing from functions/ and its declarations stand on their own.
import type {
  Accepted,
  BatchResult,
  Bounce,
  BounceList,
  Canceled,
  CreateTemplateRequest,
  Email,
  EmailContent,
  EmailList,
  EmailSummary,
  EventFeed,
  FeedEvent,
  Mailbox,
  Problem,
  RenderedTemplate,
  RenderTemplateRequest,
  SendEmailRequest,
  Suppression,
  SuppressionList,
  Template,
  TemplateList,
  TemplateSummary,
  TemplateVersion,
  TemplateVersionRequest,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEndpoint,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookEndpointRequest,
  WebhookEvent,
} from './api-types.js';
import { type SigV4Credentials, type SigV4Options, sigV4Signer } from './sigv4.js';

export { verifyWebhook, WebhookVerificationError } from './verify-webhook.js';
export type {
  Accepted,
  BatchResult,
  Bounce,
  BounceList,
  Canceled,
  CreateTemplateRequest,
  Email,
  EmailContent,
  EmailList,
  EmailSummary,
  EventFeed,
  FeedEvent,
  Mailbox,
  RenderedTemplate,
  RenderTemplateRequest,
  SigV4Credentials,
  SigV4Options,
  Suppression,
  SuppressionList,
  Template,
  TemplateList,
  TemplateSummary,
  TemplateVersion,
  TemplateVersionRequest,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEndpoint,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookEndpointRequest,
  WebhookEvent,
};
export type ProblemDocument = Problem;
export type BatchItemResult = BatchResult['results'][number];
type SendEnvelope = Omit<SendEmailRequest, 'subject' | 'text' | 'html' | 'template'>;
/**
 * The body of `POST /v1/emails`, as the API accepts it: its content given (`subject` with
 * `text` and/or `html`), or a stored `template` to render it from — never both.
 */
export type SendEmailInput =
  | (SendEnvelope & Pick<SendEmailRequest, 'text' | 'html'> & { subject: string; template?: undefined })
  | (SendEnvelope & { template: NonNullable<SendEmailRequest['template']>; subject?: undefined; text?: undefined; html?: undefined });

export interface PosthasteOptions {
  /** The API's base URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  apiKey?: string;
  /** Sign every request with AWS SigV4 instead of sending a key. `true` uses the default credential chain and AWS_REGION. */
  sigv4?: SigV4Options | true;
  /** Per-request timeout. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface SendOptions {
  /** Makes the call safe to retry: the same key and body within 24 h returns the first answer. */
  idempotencyKey?: string;
}

export interface PageOptions {
  cursor?: string;
  limit?: number;
}

/** Filters of the email log; they combine. `since` and `until` are ISO 8601 (with an offset) or dates. */
export interface EmailFilters {
  status?: Email['status'];
  /** Any of to, cc, bcc. */
  recipient?: string;
  from?: string;
  /** `name:value`. */
  tag?: string;
  since?: string;
  until?: string;
}

export interface EventFilters {
  since?: string;
  type?: FeedEvent['type'];
}

export interface BounceFilters {
  /** One recipient's records; without it, every recipient's, filtered by `type` and `since`. */
  recipient?: string;
  type?: Bounce['type'];
  since?: string;
}

/** A response other than 2xx. `problem` is the RFC 9457 document (or what the gateway said). */
export class PosthasteApiError extends Error {
  override name = 'PosthasteApiError';
  readonly status: number;
  readonly problem: ProblemDocument;
  constructor(status: number, problem: ProblemDocument) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  get code(): string {
    return this.problem.code;
  }
  /** The first failing field, e.g. `to` or `[3].subject`. */
  get field(): string | undefined {
    return this.problem.field;
  }
}

type Signer = (request: { method: string; url: URL; headers: Record<string, string>; body?: string }) => Promise<Record<string, string>>;

export class Posthaste {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly signer: Signer | undefined;

  constructor(private readonly options: PosthasteOptions) {
    if (!options.baseUrl) throw new TypeError('baseUrl is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.signer = options.sigv4 ? sigV4Signer(options.sigv4 === true ? {} : options.sigv4) : undefined;
  }

  /** Queues one email (or schedules it, with `scheduledAt`). */
  send(email: SendEmailInput, options: SendOptions = {}): Promise<Accepted> {
    return this.request('POST', '/v1/emails', email, options.idempotencyKey);
  }

  /**
   * Up to 100 emails in one call. Resolves with one result per item, also when some
   * items were refused (HTTP 207): check `failed`, or each result's `error`.
   */
  sendBatch(emails: SendEmailInput[], options: SendOptions = {}): Promise<BatchResult> {
    return this.request('POST', '/v1/emails/batch', emails, options.idempotencyKey);
  }

  get(id: string): Promise<Email> {
    return this.request('GET', `/v1/emails/${encodeURIComponent(id)}`);
  }

  /** What an email sent (MIME headers, text and HTML parts, attachment names), while the stack keeps it; a 404 before it was sent or after. */
  content(id: string): Promise<EmailContent> {
    return this.request('GET', `/v1/emails/${encodeURIComponent(id)}/content`);
  }

  /** Cancels an email not yet handed to delivery; a 409 `not_cancelable` when it was. */
  cancel(id: string): Promise<Canceled> {
    return this.request('DELETE', `/v1/emails/${encodeURIComponent(id)}`);
  }

  readonly suppressions = {
    list: (page: PageOptions = {}): Promise<SuppressionList> => this.request('GET', `/v1/suppressions${query(page)}`),
    get: (address: string): Promise<Suppression> => this.request('GET', `/v1/suppressions/${encodeURIComponent(address)}`),
    remove: async (address: string): Promise<void> => {
      await this.request('DELETE', `/v1/suppressions/${encodeURIComponent(address)}`);
    },
    /** Every entry, page after page. */
    all: (limit = 100): AsyncGenerator<Suppression> => paginate(this.suppressions.list, {}, limit),
  };

  /** The email log: newest first. A page may hold fewer than `limit` while more follow; `all` keeps going. */
  readonly emails = {
    list: (options: PageOptions & EmailFilters = {}): Promise<EmailList> => this.request('GET', `/v1/emails${query(options)}`),
    all: (filters: EmailFilters = {}, limit = 100): AsyncGenerator<EmailSummary> => paginate(this.emails.list, filters, limit),
  };

  readonly bounces = {
    list: (options: PageOptions & BounceFilters = {}): Promise<BounceList> => this.request('GET', `/v1/bounces${query(options)}`),
    /** A recipient's records (a string), or every recipient's matching the filters. */
    all: (filters: string | BounceFilters = {}, limit = 100): AsyncGenerator<Bounce> =>
      paginate(this.bounces.list, typeof filters === 'string' ? { recipient: filters } : filters, limit),
  };

  /** The webhook events, oldest first, for apps that pull: ask again from a little before the newest you saw and drop ids you have. */
  readonly events = {
    list: (options: PageOptions & EventFilters = {}): Promise<EventFeed> => this.request('GET', `/v1/events${query(options)}`),
    all: (filters: EventFilters = {}, limit = 100): AsyncGenerator<FeedEvent> => paginate(this.events.list, filters, limit),
  };

  /** Webhook endpoints: where Posthaste POSTs signed events, and what became of each delivery. */
  readonly webhooks = {
    /** The answer holds the endpoint's signing secret: the only time the API shows it. */
    create: (endpoint: WebhookEndpointRequest): Promise<WebhookEndpointCreated> => this.request('POST', '/v1/webhooks', endpoint),
    list: (page: PageOptions = {}): Promise<WebhookEndpointList> => this.request('GET', `/v1/webhooks${query(page)}`),
    get: (id: string): Promise<WebhookEndpoint> => this.request('GET', `/v1/webhooks/${encodeURIComponent(id)}`),
    update: (id: string, changes: Partial<WebhookEndpointRequest>): Promise<WebhookEndpoint> =>
      this.request('PATCH', `/v1/webhooks/${encodeURIComponent(id)}`, changes),
    remove: async (id: string): Promise<void> => {
      await this.request('DELETE', `/v1/webhooks/${encodeURIComponent(id)}`);
    },
    /** A new secret; the previous one keeps signing beside it for 24 hours. */
    rotateSecret: (id: string): Promise<WebhookEndpointCreated> => this.request('POST', `/v1/webhooks/${encodeURIComponent(id)}/rotate-secret`),
    deliveries: (id: string, page: PageOptions = {}): Promise<WebhookDeliveryList> =>
      this.request('GET', `/v1/webhooks/${encodeURIComponent(id)}/deliveries${query(page)}`),
    /** Sends one delivery again now, with the same webhook-id. */
    retryDelivery: (id: string, deliveryId: string): Promise<{ endpointId: string; deliveryId: string; status: 'pending' }> =>
      this.request('POST', `/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`),
  };

  /** Stored templates: versioned Handlebars sources that sends render with `template: {alias, variables}`. */
  readonly templates = {
    /** Version 1 of a new alias; a 409 `template_exists` when the alias is taken. */
    create: (template: CreateTemplateRequest): Promise<TemplateVersion> => this.request('POST', '/v1/templates', template),
    /** A new version; the older ones stay readable. */
    update: (alias: string, content: TemplateVersionRequest): Promise<TemplateVersion> =>
      this.request('PUT', `/v1/templates/${encodeURIComponent(alias)}`, content),
    /** The latest version, or `version`. */
    get: (alias: string, options: { version?: number } = {}): Promise<Template> =>
      this.request('GET', `/v1/templates/${encodeURIComponent(alias)}${query(options)}`),
    list: (page: PageOptions = {}): Promise<TemplateList> => this.request('GET', `/v1/templates${query(page)}`),
    /** Every template, page after page (each as its latest version, without the sources). */
    all: (limit = 100): AsyncGenerator<TemplateSummary> => paginate(this.templates.list, {}, limit),
    /** Deletes the template and every version. */
    remove: async (alias: string): Promise<void> => {
      await this.request('DELETE', `/v1/templates/${encodeURIComponent(alias)}`);
    },
    /** What a send with these variables would carry; nothing is sent. */
    render: (alias: string, request: RenderTemplateRequest = {}, options: { version?: number } = {}): Promise<RenderedTemplate> =>
      this.request('POST', `/v1/templates/${encodeURIComponent(alias)}/render${query(options)}`, request),
  };

  /** The OpenAPI document the server runs with. */
  openApi(): Promise<Record<string, unknown>> {
    return this.request('GET', '/v1/openapi.json');
  }

  private async request<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const url = new URL(this.baseUrl + path);
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const signed = this.signer ? await this.signer({ method, url, headers, ...(payload !== undefined ? { body: payload } : {}) }) : headers;
    const response = await this.fetchImpl(url, {
      method,
      headers: signed,
      ...(payload !== undefined ? { body: payload } : {}),
      ...(this.options.timeoutMs ? { signal: AbortSignal.timeout(this.options.timeoutMs) } : {}),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw new PosthasteApiError(response.status, toProblem(response.status, parsed, text));
    return parsed as T;
  }
}

/** A problem document, or one made from what a gateway answered instead. */
function toProblem(status: number, parsed: unknown, text: string): ProblemDocument {
  const value = parsed as Partial<ProblemDocument> & { message?: string };
  if (value && typeof value === 'object' && typeof value.code === 'string' && typeof value.title === 'string') return value as ProblemDocument;
  const detail = value?.message ?? (text.slice(0, 500) || `HTTP ${status}`);
  const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 429 ? 'too_many_requests' : 'http_error';
  return { type: 'about:blank', title: detail, status, code, detail } as unknown as ProblemDocument;
}

function query(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params) as [string, unknown][]) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Every item of a listing: `list` asked with the filters and `limit`, then with each page's cursor until there is none. */
async function* paginate<F extends object, T>(
  list: (options: F & PageOptions) => Promise<{ data: T[]; nextCursor?: string | undefined }>,
  filters: F,
  limit: number,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const result = await list({ ...filters, limit, ...(cursor ? { cursor } : {}) });
    yield* result.data;
    cursor = result.nextCursor;
  } while (cursor);
}
