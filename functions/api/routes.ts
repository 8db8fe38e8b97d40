import { acceptEmail, type AcceptDeps } from '../core/accept-email.js';
import { PosthasteError } from '../core/errors.js';
import { json, readJsonBody, type HttpRequest, type HttpResponse } from '../core/http.js';
import type { IdempotencyGuard, MessageRecord, MessageStore } from '../core/ports.js';
import { parseSendRequest } from '../core/send-request.js';
import { acceptScheduled, type AcceptedEmail, type SchedulingDeps } from '../core/accept-scheduled.js';
import { readScheduledAt } from '../core/schedule.js';
import { cancel, sendBatch } from './email-routes.js';
import { withIdempotency } from './idempotency-key.js';
import { openApi } from './openapi-route.js';

export interface ApiDeps {
  accept: AcceptDeps;
  store: MessageStore;
  idempotency: IdempotencyGuard;
  scheduling: SchedulingDeps;
}

type Route = { method: string; pattern: RegExp; run: (req: HttpRequest, params: string[], deps: ApiDeps) => Promise<HttpResponse> };

async function sendEmail(req: HttpRequest, _params: string[], deps: ApiDeps): Promise<HttpResponse> {
  const body = readJsonBody(req);
  const request = parseSendRequest(body);
  const scheduledAt = readScheduledAt(body, deps.accept.clock.now());
  const accept = (): Promise<AcceptedEmail> => (scheduledAt ? acceptScheduled(deps.accept, deps.scheduling, request, scheduledAt) : acceptEmail(deps.accept, request));
  const { result, headers } = await withIdempotency(req, deps.idempotency, body, accept);
  return json(202, result, headers);
}

export function presentMessage(record: MessageRecord) {
  return {
    id: record.id,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    from: record.from,
    to: record.to,
    cc: record.cc,
    bcc: record.bcc,
    subject: record.subject,
    tags: record.tags,
    attempts: record.attempts,
    ...(record.relayResponse !== undefined ? { relayResponse: record.relayResponse } : {}),
    ...(record.providerMessageId !== undefined ? { providerMessageId: record.providerMessageId } : {}),
    ...(record.failureReason !== undefined ? { failureReason: record.failureReason } : {}),
    ...(record.scheduledAt !== undefined ? { scheduledAt: record.scheduledAt } : {}),
    events: record.events,
  };
}

async function getEmail(_req: HttpRequest, [id]: string[], deps: ApiDeps): Promise<HttpResponse> {
  const record = await deps.store.get(id!);
  if (!record) throw new PosthasteError('not_found', `no email with id ${id}`, [{ field: 'id', message: 'no such email' }]);
  return json(200, presentMessage(record));
}

export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/emails\/?$/, run: sendEmail },
  { method: 'GET', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/?$/, run: getEmail },
  { method: 'POST', pattern: /^\/v1\/emails\/batch\/?$/, run: sendBatch },
  { method: 'DELETE', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/?$/, run: cancel },
  { method: 'GET', pattern: /^\/v1\/openapi\.json$/, run: openApi },
];

export async function route(req: HttpRequest, deps: ApiDeps): Promise<HttpResponse> {
  const matches = ROUTES.map((r) => ({ r, m: r.pattern.exec(req.path) })).filter((x) => x.m !== null);
  if (matches.length === 0) throw new PosthasteError('not_found', `no route for ${req.path}`);
  const hit = matches.find((x) => x.r.method === req.method);
  if (!hit) throw new PosthasteError('method_not_allowed', `${req.method} is not allowed on ${req.path}`);
  return hit.r.run(req, hit.m!.slice(1), deps);
}
