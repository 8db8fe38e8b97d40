import { cancelEmail } from '../../core/cancel-email.js';
import { PosthasteError } from '../../core/errors.js';
import { readContent } from '../../core/sent-content.js';
import type { RouteHandler } from '../deps.js';
import { json } from '../http.js';
import { readEmailQuery } from '../log-query.js';
import { listResponse, readPage } from '../paging.js';
import { emailContentSchema, emailSchema, present, summarize } from '../schemas.js';

/** GET /v1/emails: the email log, newest first, filtered by status, recipient, sender, tag and time. */
export const listEmails: RouteHandler = async (req, _params, deps) => {
  const query = readEmailQuery(req);
  const page = await deps.messages.list(query, readPage(req, ['before']));
  return listResponse({ ...page, items: page.items.map(summarize) });
};

/** GET /v1/emails/{id}: status and history. */
export const getEmail: RouteHandler = async (_req, [id], deps) => {
  const record = await deps.messages.get(id!);
  if (!record) throw new PosthasteError('not_found', `no email with id ${id}`, [{ field: 'id', message: 'no such email' }]);
  return json(200, present(emailSchema, record));
};

/** GET /v1/emails/{id}/content: the MIME headers, text and HTML parts the message sent, while the bucket keeps them. */
export const getEmailContent: RouteHandler = async (_req, [id], deps) => {
  const record = await deps.messages.get(id!);
  if (!record) throw new PosthasteError('not_found', `no email with id ${id}`, [{ field: 'id', message: 'no such email' }]);
  const content = deps.keptContent ? await readContent(deps.keptContent, id!) : undefined;
  if (!content) {
    throw new PosthasteError('not_found', `no content kept for email ${id}`, [
      { field: 'id', message: 'not sent yet, expired, or this deployment keeps no content (contentRetentionDays 0)' },
    ]);
  }
  return json(200, present(emailContentSchema, { id: record.id, ...content }));
};

/** DELETE /v1/emails/{id}: cancels a message not yet handed to delivery. */
export const cancel: RouteHandler = async (_req, [id], deps) => {
  const { clock, metrics } = deps.accept;
  return json(200, await cancelEmail({ messages: deps.messages, clock, ...(metrics ? { metrics } : {}) }, id!));
};
