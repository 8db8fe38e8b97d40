import type { RouteHandler } from '../deps.js';
import { readEventQuery } from '../log-query.js';
import { listResponse, readPage } from '../paging.js';
import { feedEventSchema, present } from '../schemas.js';

/** GET /v1/events: the webhook events, oldest first, for apps that pull instead of (or besides) receiving webhooks. */
export const listEvents: RouteHandler = async (req, _params, deps) => {
  const page = await deps.messages.feed(readEventQuery(req), readPage(req, ['after']));
  return listResponse({ ...page, items: page.items.map((event) => present(feedEventSchema, event)) });
};
