/** Bounces and complaints, newest first: all recent ones, or one recipient's. */
import { api, type Bounce } from '../api.js';
import { badge, h, link, table, time } from '../dom.js';
import { field, filterForm, isoFromLocal, localFromIso, pagedList, pageHeading, routeWith, type View } from '../view.js';

const rows = (bounces: Bounce[]) =>
  table(
    'Bounces and complaints, newest first',
    ['When', 'Type', 'Recipient', 'Kind', 'Diagnostic', 'Message'],
    bounces.map((b) => [
      time(b.timestamp),
      badge(b.type),
      h('a', { href: `#${routeWith('/bounces', { recipient: b.recipient })}` }, b.recipient),
      [b.bounceType, b.bounceSubType, b.complaintFeedbackType, b.complaintSubType].filter(Boolean).join(' / '),
      b.diagnosticCode ? h('code', {}, b.diagnosticCode) : (b.status ?? ''),
      b.messageId ? link(`/emails/${encodeURIComponent(b.messageId)}`, b.subject || b.messageId) : (b.subject ?? ''),
    ]),
    'No bounce or complaint matches.',
  );

export const bouncesView: View = async (context) => {
  const { query } = context;
  const recipient = h('input', { type: 'search', name: 'recipient', value: query.get('recipient') ?? '', placeholder: 'ann@example.org', autocomplete: 'off' });
  const type = h(
    'select',
    { name: 'type' },
    h('option', { value: '' }, 'bounces and complaints'),
    ['bounce', 'complaint'].map((t) => h('option', { value: t, selected: query.get('type') === t }, `${t}s only`)),
  );
  const since = h('input', { type: 'datetime-local', name: 'since', step: '1', value: localFromIso(query.get('since')) });
  const form = filterForm(
    'Filter bounces and complaints',
    [field('Recipient', recipient), field('Type', type), field('Since', since)],
    'Apply',
    () => routeWith('/bounces', { recipient: recipient.value.trim(), type: type.value, since: isoFromLocal(since.value) }),
    { clear: '/bounces', fold: true, active: ['recipient', 'type', 'since'].some((name) => query.get(name)) },
  );
  const list = h('div', { id: 'bounce-list' });
  const filters = { recipient: query.get('recipient') ?? undefined, type: query.get('type') ?? undefined, since: query.get('since') ?? undefined };
  await pagedList(list, (cursor) => api.bounces({ ...filters, limit: 50, cursor }), rows);
  if (context.left) return;
  context.main.replaceChildren(pageHeading('Bounces and complaints'), form, list);
};
