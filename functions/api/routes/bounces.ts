import type { RouteHandler } from '../deps.js';
import { readAddress } from '../http.js';
import { listResponse, readPage } from '../paging.js';
import { bounceSchema, present } from '../schemas.js';

/** GET /v1/bounces?recipient=: bounce and complaint records of one recipient, newest first. */
export const listBounces: RouteHandler = async (req, _params, deps) => {
  const recipient = readAddress(req.query.recipient, 'recipient');
  const page = await deps.feedback.listByRecipient(recipient, readPage(req, ['recipient', 'feedbackKey'], { recipient }));
  return listResponse({ ...page, items: page.items.map((record) => present(bounceSchema, record)) });
};
