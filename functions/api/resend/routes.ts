/**
 * The email part of Resend's API, answered the way Resend answers it, so an app written
 * against the `resend` SDK sends through Posthaste by setting RESEND_BASE_URL and
 * RESEND_API_KEY. Behind it are the same use cases as /v1: accept (one and batch), cancel,
 * reschedule, the message store; no second pipeline.
 */
import { asItemError, readBatch } from '../../core/accept-batch.js';
import { acceptEmail, acceptItems, completeItems, type ReadItem, readSendItem, type SendItem } from '../../core/accept-email.js';
import { cancelEmail } from '../../core/cancel-email.js';
import { logPosition } from '../../core/email-log.js';
import { invalid, PosthasteError } from '../../core/errors.js';
import { describeError } from '../../core/log.js';
import { rescheduleEmail } from '../../core/reschedule-email.js';
import type { ApiDeps, RouteHandler } from '../deps.js';
import { type HttpRequest, type HttpResponse, header, json, readJsonBody } from '../http.js';
import { logTo, withIdempotency } from '../idempotency-key.js';
import { readLimit } from '../paging.js';
import { resendEmailView, resendListedEmail } from './email-view.js';
import { ResendError, resendErrorResponse, toResendError } from './errors.js';
import { readResendScheduledAt } from './scheduled-at.js';
import { readResendEmail } from './send-request.js';

const SCOPE = 'resend';

/** Every error of these routes in Resend's shape; faults of ours are logged with their cause first. */
const resendRoute =
  (run: RouteHandler): RouteHandler =>
  async (req, params, deps) => {
    try {
      return await run(req, params, deps);
    } catch (error) {
      const body = toResendError(error);
      if (body.statusCode >= 500) {
        const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
        deps.accept.log?.('error', body.message, { path: req.path, error: describeError(cause) });
      }
      return resendErrorResponse(body);
    }
  };

const reading = (deps: ApiDeps, allowPaths = true) => ({
  ...(deps.accept.allowedSenderDomains ? { allowedSenderDomains: deps.accept.allowedSenderDomains } : {}),
  ...(allowPaths && deps.remoteFiles ? { files: deps.remoteFiles } : {}),
  allowPaths,
  now: () => deps.accept.clock.now(),
});

/** POST /emails: `{id}`. */
const sendEmail: RouteHandler = async (req, _params, deps) => {
  const raw = readJsonBody(req);
  const { result, headers } = await withIdempotency(
    req,
    deps.idempotency,
    raw,
    async () => ({ id: (await acceptEmail(deps.accept, await readResendEmail(raw, reading(deps)))).id }),
    { scope: SCOPE, ...logTo(deps) },
  );
  return json(200, result, headers);
};

type BatchMode = 'strict' | 'permissive';

function batchMode(req: HttpRequest): BatchMode {
  const mode = (header(req, 'x-batch-validation') ?? 'strict').trim().toLowerCase();
  if (mode !== 'strict' && mode !== 'permissive') throw invalid('x-batch-validation', 'must be strict or permissive');
  return mode;
}

interface BatchAnswer {
  data: { id: string }[];
  errors?: { index: number; message: string }[];
}

/**
 * POST /emails/batch. `x-batch-validation: strict` (the SDK's default): one invalid email
 * refuses the whole batch and nothing is sent. `permissive`: the valid ones are sent, and
 * `errors` says which were not and why. Attachments by URL are not taken in a batch (a
 * hundred downloads do not fit in one request's time).
 */
const sendBatch: RouteHandler = async (req, _params, deps) => {
  const raw = readJsonBody(req);
  const mode = batchMode(req);
  const emails = readBatch(raw);
  const { result, headers } = await withIdempotency(
    req,
    deps.idempotency,
    { mode, emails: raw },
    async (): Promise<BatchAnswer> => {
      const now = deps.accept.clock.now();
      const read: ReadItem[] = [];
      const errors: { index: number; message: string }[] = [];
      const refuse = (index: number, error: unknown) => errors.push({ index, message: toResendError(error).message });
      const refuseItem = (index: number, error: unknown) => {
        const itemError = error instanceof PosthasteError ? asItemError(index, error) : error;
        if (mode === 'strict') throw itemError;
        refuse(index, itemError);
      };
      for (const [index, email] of emails.entries()) {
        try {
          read.push({ ...readSendItem(deps.accept, await readResendEmail(email, reading(deps, false), `[${index}].attachments`), now), index });
        } catch (error) {
          refuseItem(index, error);
        }
      }
      // The final content of each item (a text part from html alone), before anything is accepted.
      const items: SendItem[] = [];
      (await completeItems(deps.accept, read)).forEach((completed, i) => {
        if ('error' in completed) refuseItem(read[i]!.index!, completed.error);
        else items.push(completed.item);
      });
      const outcomes = await acceptItems(deps.accept, items);
      const data: { id: string }[] = [];
      let unavailable: unknown;
      outcomes.forEach((outcome, i) => {
        if ('error' in outcome) {
          unavailable ??= outcome.error;
          refuse(items[i]!.index!, outcome.error);
        } else data.push({ id: outcome.accepted.id });
      });
      // Nothing went out: the caller may simply try again.
      if (data.length === 0 && unavailable !== undefined) throw unavailable;
      errors.sort((a, b) => a.index - b.index);
      return mode === 'permissive' || errors.length > 0 ? { data, errors } : { data };
    },
    { scope: SCOPE, ...logTo(deps) },
  );
  return json(200, result, headers);
};

/** GET /emails/{id}. */
const getEmail: RouteHandler = async (_req, [id], deps) => {
  const record = await deps.messages.get(id!);
  if (!record) throw new PosthasteError('not_found', `Email not found: no email with id ${id}`);
  return json(200, resendEmailView(record));
};

/** Resend's page size unless asked (its range, 1-100, is ours too). */
const RESEND_PAGE = 20;

/**
 * GET /emails: the email log, newest first, `{object: "list", has_more, data}`. `after` is
 * the id of the last email of the previous page, as Resend pages; `before` (paging towards
 * newer emails) is not served, since the log is read newest first.
 */
const listEmails: RouteHandler = async (req, _params, deps) => {
  const limit = readLimit(req.query.limit, RESEND_PAGE);
  if (req.query.before) throw invalid('before', 'is not supported here: page with `after`, the id of the last email of the previous page');
  const afterId = req.query.after;
  const cursor = afterId ? await deps.messages.get(afterId) : undefined;
  if (afterId && !cursor) throw invalid('after', 'is not the id of an email');
  const page = await deps.messages.list({}, { limit, ...(cursor ? { after: { before: logPosition(cursor) } } : {}) });
  return json(200, { object: 'list', has_more: page.next !== undefined, data: page.items.map(resendListedEmail) });
};

/** PATCH /emails/{id} `{scheduled_at}`: moves a scheduled email. */
const updateEmail: RouteHandler = async (req, [id], deps) => {
  const body = readJsonBody(req) as { scheduled_at?: unknown } | null;
  const value = body && typeof body === 'object' && !Array.isArray(body) ? body.scheduled_at : undefined;
  if (value === undefined || value === null) throw invalid('scheduled_at', 'is required');
  if (typeof value !== 'string') throw invalid('scheduled_at', 'must be a string');
  const now = deps.accept.clock.now();
  await rescheduleEmail({ messages: deps.messages, clock: deps.accept.clock }, id!, await readResendScheduledAt(value, now), 'scheduled_at');
  return json(200, { object: 'email', id });
};

/** POST /emails/{id}/cancel. */
const cancel: RouteHandler = async (_req, [id], deps) => {
  const { clock, metrics } = deps.accept;
  await cancelEmail({ messages: deps.messages, clock, ...(metrics ? { metrics } : {}) }, id!);
  return json(200, { object: 'email', id });
};

const ID = '([0-9A-Za-z-]{1,64})';

/** Every Resend route served (infra/api-routes.ts routes each one; a test checks). */
export const RESEND_ROUTES: { method: string; pattern: RegExp; run: RouteHandler }[] = [
  { method: 'POST', pattern: /^\/emails\/?$/, run: resendRoute(sendEmail) },
  { method: 'POST', pattern: /^\/emails\/batch\/?$/, run: resendRoute(sendBatch) },
  { method: 'GET', pattern: /^\/emails\/?$/, run: resendRoute(listEmails) },
  { method: 'GET', pattern: new RegExp(`^/emails/${ID}/?$`), run: resendRoute(getEmail) },
  { method: 'PATCH', pattern: new RegExp(`^/emails/${ID}/?$`), run: resendRoute(updateEmail) },
  { method: 'POST', pattern: new RegExp(`^/emails/${ID}/cancel/?$`), run: resendRoute(cancel) },
];

/** Resend's resources that are not about sending email: answered, in Resend's shape, as not served here. */
const OTHER_RESOURCES: Record<string, string> = {
  domains: 'sending domains are SES identities of your AWS account (see docs/deploy.md)',
  'api-keys': 'keys are made with `npx posthaste keys`',
  webhooks: 'webhook endpoints are managed at /v1/webhooks (create them with format "resend")',
  audiences: 'audiences and contacts are not part of Posthaste',
  segments: 'audiences and contacts are not part of Posthaste',
  contacts: 'audiences and contacts are not part of Posthaste',
  'contact-properties': 'audiences and contacts are not part of Posthaste',
  topics: 'audiences and contacts are not part of Posthaste',
  broadcasts: 'broadcasts (marketing sends to an audience) are not part of Posthaste',
  templates: 'templates are managed at /v1/templates',
  suppressions: 'the suppression list is at /v1/suppressions',
};

/** A Resend path: its route, or Resend's 404/405 saying what is and is not served here. */
export async function routeResend(req: HttpRequest, deps: ApiDeps): Promise<HttpResponse> {
  const matches = RESEND_ROUTES.map((r) => ({ r, m: r.pattern.exec(req.path) })).filter((x) => x.m !== null);
  const hit = matches.find((x) => x.r.method === req.method);
  if (hit) return hit.r.run(req, hit.m!.slice(1), deps);
  if (matches.length > 0) return resendErrorResponse(toResendError(new ResendError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}.`)));
  const resource = req.path.split('/')[1] ?? '';
  const why = OTHER_RESOURCES[resource];
  const message = why
    ? `Posthaste answers the email part of Resend's API only; /${resource} is not served: ${why}.`
    : `The requested endpoint does not exist: ${req.path.slice(0, 200)}.`;
  return resendErrorResponse({ statusCode: 404, name: 'not_found', message });
}
