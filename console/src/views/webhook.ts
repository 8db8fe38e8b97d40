/** One webhook endpoint: turn it on or off, rotate its secret, and its deliveries with every attempt, each resendable. */
import type { WebhookDelivery } from '../../../client/api-types.js';
import { api } from '../api.js';
import { badge, details, h, link, replace, table, time } from '../dom.js';
import { actionButton, confirmButton, pagedList, pageHeading, type View, type ViewContext } from '../view.js';
import { secretNotice } from './webhook-secret.js';
import { endpointState, eventList } from './webhooks.js';

const LIVE_MS = 3000;

function attempts(delivery: WebhookDelivery): HTMLElement {
  return h(
    'details',
    { class: 'attempts' },
    h('summary', {}, `${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? '' : 's'}`),
    h(
      'ol',
      {},
      delivery.attempts.map((a) =>
        h(
          'li',
          {},
          time(a.at),
          ' ',
          a.statusCode !== undefined ? h('strong', {}, `HTTP ${a.statusCode}`) : h('strong', {}, 'no answer'),
          ` in ${Math.round(a.durationMs)} ms`,
          a.error ? h('div', { class: 'event-detail' }, a.error) : null,
          a.reply ? h('pre', { class: 'response' }, a.reply) : null,
        ),
      ),
    ),
    h('h3', {}, 'Payload'),
    h('pre', { class: 'payload' }, delivery.payload),
  );
}

function deliveryRows(endpointId: string, context: ViewContext) {
  return (deliveries: WebhookDelivery[]) =>
    table(
      'Deliveries, newest first',
      ['Created', 'Event', 'Message', 'Status', 'Attempts', ''],
      deliveries.map((d) => [
        time(d.createdAt),
        h('code', {}, d.eventType),
        link(`/emails/${encodeURIComponent(d.messageId)}`, d.messageId),
        badge(d.status),
        attempts(d),
        actionButton('Resend', async () => {
          await api.resend(endpointId, d.deliveryId);
          context.announce(`Delivery of ${d.eventType} queued again.`);
          context.reload();
        }),
      ]),
      'No delivery yet: events appear here as messages change.',
    );
}

export const webhookView: View = async (context) => {
  const endpointId = context.params[0]!;
  const endpoint = await api.webhook(endpointId);
  const list = h('div', { id: 'delivery-list' });
  const rows = deliveryRows(endpointId, context);
  let paged = await pagedList(list, (cursor) => api.deliveries(endpointId, { limit: 25, cursor }), rows);
  if (context.left) return;
  const notices = h('div', {});
  const toggle = actionButton(endpoint.enabled ? 'Disable' : 'Enable', async () => {
    await api.updateWebhook(endpointId, { enabled: !endpoint.enabled });
    context.announce(endpoint.enabled ? 'Endpoint disabled.' : 'Endpoint enabled.');
    context.reload();
  });
  const rotate = actionButton('Rotate secret', async () => {
    const rotated = await api.rotateSecret(endpointId);
    replace(notices, secretNotice(rotated, 'New secret made; the previous one keeps signing beside it for 24 hours.'));
    context.announce('Secret rotated. Copy the new one now.');
  });
  const remove = confirmButton('Delete', 'Delete this endpoint and stop its deliveries?', async () => {
    await api.deleteWebhook(endpointId);
    location.hash = '#/webhooks';
  });
  replace(
    context.main,
    h('p', { class: 'crumbs' }, link('/webhooks', '← Webhooks')),
    pageHeading(endpoint.url),
    notices,
    details([
      ['State', endpointState(endpoint)],
      ['Events', eventList(endpoint)],
      ['Description', endpoint.description],
      ['Created', time(endpoint.createdAt)],
      ['Updated', time(endpoint.updatedAt)],
      ['Failing since', time(endpoint.failingSince)],
      ['Disabled at', time(endpoint.disabledAt)],
    ]),
    h('div', { class: 'actions' }, toggle, rotate, remove),
    h('section', { 'aria-labelledby': 'deliveries-heading' }, h('h2', { id: 'deliveries-heading' }, 'Deliveries'), list),
  );
  // New deliveries and attempts appear as they happen, unless the reader is inside the list.
  context.every(LIVE_MS, async () => {
    if (paged.pages() > 1 || list.contains(document.activeElement)) return;
    const page = await api.deliveries(endpointId, { limit: 25 });
    if (context.left || list.contains(document.activeElement)) return;
    paged = await pagedList(list, async () => page, rows);
  });
};
