import type { RouteHandler } from '../deps.js';
import { readAddress } from '../http.js';
import { readFeedbackQuery } from '../log-query.js';
import { listResponse, readPage } from '../paging.js';
import { bounceSchema, present } from '../schemas.js';

/**
 * GET /v1/bounces?recipient=: bounce and complaint records of one recipient, newest first.
 * Without a recipient: every recipient's, newest first, filtered by `type` and `since`.
 */
export const listBounces: RouteHandler = async (req, _params, deps) => {
  const raw = req.query.recipient;
  let page: Awaited<ReturnType<typeof deps.feedback.listRecent>>;
  if (raw === undefined || raw === '') page = await deps.feedback.listRecent(readFeedbackQuery(req), readPage(req, ['before']));
  else {
    const recipient = readAddress(raw, 'recipient');
    page = await deps.feedback.listByRecipient(recipient, readPage(req, ['recipient', 'feedbackKey'], { recipient }));
  }
  return listResponse({ ...page, items: page.items.map((record) => present(bounceSchema, record)) });
};
