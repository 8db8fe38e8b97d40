/** The email log: newest first, filtered as `GET /v1/emails` filters, refreshed live. */
import { type EmailSummary, listEmails, STATUSES } from '../api.js';
import { badge, breakable, h, replace, table, time } from '../dom.js';
import { field, filterForm, isoFromLocal, localFromIso, pagedList, pageHeading, routeWith, type View } from '../view.js';

const FILTERS = ['status', 'recipient', 'from', 'tag', 'since', 'until'] as const;
const LIVE_MS = 3000;

function lastEvent(email: EmailSummary) {
  const event = email.lastEvent;
  return event ? h('span', { class: 'last-event' }, badge(event.type), ' ', time(event.at)) : '';
}

const rows = (emails: EmailSummary[]) =>
  table(
    'Emails, newest first',
    ['Created', 'Status', 'Subject', 'From', 'To', 'Tags', 'Last event'],
    emails.map((email) => [
      time(email.createdAt),
      badge(email.status),
      h('a', { class: 'subject', href: `#/emails/${encodeURIComponent(email.id)}` }, email.subject || '(no subject)'),
      breakable(email.from),
      breakable([...email.to, ...(email.cc ?? []), ...(email.bcc ?? [])].join(', ')),
      email.tags.map((tag) => h('span', { class: 'tag' }, `${tag.name}:${tag.value}`)),
      lastEvent(email),
    ]),
    'No email matches these filters.',
  );

export const emailLogView: View = async (context) => {
  const { query } = context;
  const live = query.get('live') !== 'off';
  const input = (name: string, attributes: Record<string, string>) => h('input', { name, value: query.get(name) ?? '', ...attributes });
  const status = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: query.get('status') === s }, s)),
  );
  const since = input('since', { type: 'datetime-local', step: '1', value: localFromIso(query.get('since')) });
  const until = input('until', { type: 'datetime-local', step: '1', value: localFromIso(query.get('until')) });
  const liveBox = h('input', { type: 'checkbox', name: 'live', checked: live });
  const text = (name: string, placeholder: string) => input(name, { type: 'search', placeholder, autocomplete: 'off' });
  const controls = {
    status,
    recipient: text('recipient', 'ann@example.org'),
    from: text('from', 'app@example.com'),
    tag: text('tag', 'name:value'),
  };
  const form = filterForm(
    'Filter the email log',
    [
      field('Status', controls.status),
      field('Recipient', controls.recipient),
      field('From', controls.from),
      field('Tag', controls.tag),
      field('Since', since),
      field('Until', until),
      h('label', { class: 'check' }, liveBox, ' Live refresh'),
    ],
    'Apply',
    () =>
      routeWith('/emails', {
        ...Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, control.value.trim()])),
        since: isoFromLocal(since.value),
        until: isoFromLocal(until.value),
        live: liveBox.checked ? undefined : 'off',
      }),
    { clear: '/emails', fold: true, active: FILTERS.some((name) => query.get(name)) },
  );
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? undefined]));
  const list = h('div', { id: 'email-list' });
  const updated = h('p', { class: 'updated', 'aria-live': 'off' });
  const stamp = () => replace(updated, live ? `Live: refreshed ${new Date().toLocaleTimeString()}` : 'Live refresh is off.');
  const load = (cursor: string | undefined) => listEmails({ ...filters, limit: 50, cursor });
  let paged = await pagedList(list, load, rows);
  if (context.left) return;
  replace(context.main, pageHeading('Email log'), form, updated, list);
  stamp();
  if (live) {
    // Only the first page is refreshed, and not while the reader is in the list (keyboard focus
    // would be lost) or has loaded more pages: then they are reading, not watching.
    const reading = () => paged.pages() > 1 || list.contains(document.activeElement);
    context.every(LIVE_MS, async () => {
      if (reading()) return;
      const page = await load(undefined);
      if (context.left || reading()) return;
      paged = await pagedList(list, async () => page, rows);
      stamp();
    });
  }
};
