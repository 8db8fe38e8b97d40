import { type AcceptDeps, acceptEmail } from '../core/accept-email.js';
import { type AcceptedEmail, acceptScheduled, type SchedulingDeps } from '../core/accept-scheduled.js';
import { normalizeEmail } from '../core/address.js';
import { invalid, PosthasteError } from '../core/errors.js';
import { addressKey } from '../core/feedback.js';
import { type HttpRequest, type HttpResponse, json, readJsonBody } from '../core/http.js';
import { encodeCursor, readPage } from '../core/paging.js';
import type { FeedbackStore, IdempotencyGuard, MessageRecord, MessageStore, Page, SuppressionStore } from '../core/ports.js';
import { readScheduledAt } from '../core/schedule.js';
import { parseSendRequest } from '../core/send-request.js';
import { checkSender } from '../core/sender-policy.js';
import { cancel, sendBatch } from './email-routes.js';
import { withIdempotency } from './idempotency-key.js';
import { openApi } from './openapi-route.js';

export interface ApiDeps {
  accept: AcceptDeps;
  store: MessageStore;
  idempotency: IdempotencyGuard;
  suppressions: SuppressionStore;
  feedback: FeedbackStore;
  scheduling: SchedulingDeps;
}

type Route = { method: string; pattern: RegExp; run: (req: HttpRequest, params: string[], deps: ApiDeps) => Promise<HttpResponse> };

async function sendEmail(req: HttpRequest, _params: string[], deps: ApiDeps): Promise<HttpResponse> {
  const body = readJsonBody(req);
  const request = parseSendRequest(body);
  checkSender(request, deps.accept.allowedSenderDomains ?? []);
  const scheduledAt = readScheduledAt(body, deps.accept.clock.now());
  const accept = (): Promise<AcceptedEmail> =>
    scheduledAt ? acceptScheduled(deps.accept, deps.scheduling, request, scheduledAt) : acceptEmail(deps.accept, request);
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

/** An address from a query or path: validated, then in the lower case the tables key on. */
function readAddress(raw: string | undefined, field: string): string {
  if (raw === undefined || raw === '') throw invalid(field, 'is required');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw invalid(field, 'is not valid percent-encoding');
  }
  const checked = normalizeEmail(decoded);
  if (!checked.ok) throw invalid(field, checked.reason);
  return addressKey(checked.mailbox.email);
}

const listResponse = <T>(page: Page<T>) => json(200, { data: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });

async function listSuppressions(req: HttpRequest, _params: string[], deps: ApiDeps): Promise<HttpResponse> {
  return listResponse(await deps.suppressions.list(readPage(req, ['address'])));
}

async function getSuppression(_req: HttpRequest, [raw]: string[], deps: ApiDeps): Promise<HttpResponse> {
  const address = readAddress(raw, 'address');
  const entry = await deps.suppressions.get(address);
  if (!entry) throw new PosthasteError('not_found', `${address} is not suppressed`, [{ field: 'address', message: 'is not on the suppression list' }]);
  return json(200, entry);
}

async function deleteSuppression(_req: HttpRequest, [raw]: string[], deps: ApiDeps): Promise<HttpResponse> {
  const address = readAddress(raw, 'address');
  if (!(await deps.suppressions.remove(address))) {
    throw new PosthasteError('not_found', `${address} is not suppressed`, [{ field: 'address', message: 'is not on the suppression list' }]);
  }
  return { statusCode: 204, headers: {}, body: '' };
}

/** Bounce and complaint records of one recipient, newest first. */
async function listBounces(req: HttpRequest, _params: string[], deps: ApiDeps): Promise<HttpResponse> {
  const recipient = readAddress(req.query.recipient, 'recipient');
  return listResponse(await deps.feedback.listByRecipient(recipient, readPage(req, ['recipient', 'feedbackKey'], { recipient })));
}

export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/emails\/?$/, run: sendEmail },
  { method: 'GET', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/?$/, run: getEmail },
  { method: 'GET', pattern: /^\/v1\/suppressions\/?$/, run: listSuppressions },
  { method: 'GET', pattern: /^\/v1\/suppressions\/([^/]{1,1024})\/?$/, run: getSuppression },
  { method: 'DELETE', pattern: /^\/v1\/suppressions\/([^/]{1,1024})\/?$/, run: deleteSuppression },
  { method: 'GET', pattern: /^\/v1\/bounces\/?$/, run: listBounces },
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
