import { PosthasteError } from '../../core/errors.js';
import type { RouteHandler } from '../deps.js';
import { json, readAddress } from '../http.js';
import { listResponse, readPage } from '../paging.js';
import { present, suppressionSchema } from '../schemas.js';

const notSuppressed = (address: string) =>
  new PosthasteError('not_found', `${address} is not suppressed`, [{ field: 'address', message: 'is not on the suppression list' }]);

/** GET /v1/suppressions: one page of the suppression list. */
export const listSuppressions: RouteHandler = async (req, _params, deps) => {
  const page = await deps.suppressions.list(readPage(req, ['address']));
  return listResponse({ ...page, items: page.items.map((entry) => present(suppressionSchema, entry)) });
};

/** GET /v1/suppressions/{address}: why an address is suppressed. */
export const getSuppression: RouteHandler = async (_req, [raw], deps) => {
  const address = readAddress(raw, 'address');
  const entry = await deps.suppressions.get(address);
  if (!entry) throw notSuppressed(address);
  return json(200, present(suppressionSchema, entry));
};

/** DELETE /v1/suppressions/{address}: send to the address again. */
export const deleteSuppression: RouteHandler = async (_req, [raw], deps) => {
  const address = readAddress(raw, 'address');
  if (!(await deps.suppressions.remove(address))) throw notSuppressed(address);
  return { statusCode: 204, headers: {}, body: '' };
};
