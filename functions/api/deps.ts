import type { AcceptDeps } from '../core/accept-email.js';
import type { DispatchDeps } from '../core/dispatch-webhooks.js';
import type { TemplateDeps } from '../core/manage-templates.js';
import type { FeedbackStore, IdempotencyGuard, MessageStore, PayloadStore, RemoteFiles, SuppressionStore } from '../core/ports.js';
import type { EndpointDeps } from '../core/webhook-endpoints.js';
import type { HttpRequest, HttpResponse } from './http.js';

/** What the API's routes use; the composition builds it once per container. */
export interface ApiDeps {
  accept: AcceptDeps;
  messages: Pick<MessageStore, 'get' | 'cancel' | 'reschedule' | 'list' | 'feed'>;
  /** What sent messages sent, as the deliver function kept it (absent without a payload bucket). */
  keptContent?: PayloadStore;
  idempotency: IdempotencyGuard;
  suppressions: SuppressionStore;
  feedback: FeedbackStore;
  /** Fetches attachments given by URL (the Resend surface's `path`); without it they are refused. */
  remoteFiles?: RemoteFiles;
  /** Webhook endpoints and their deliveries (resends go through the webhook queue). */
  webhooks?: { endpoints: EndpointDeps; dispatch: Pick<DispatchDeps, 'deliveries' | 'queue' | 'clock'> };
  /** Stored templates (the same store and compiled-template cache the accept path renders with). */
  templates?: TemplateDeps;
}

/** A route's handler: the request, the path's captured parameters, the dependencies. */
export type RouteHandler = (req: HttpRequest, params: string[], deps: ApiDeps) => Promise<HttpResponse>;
