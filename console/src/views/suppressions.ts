/** The suppression list: look an address up, page through all of them, remove one. */
import { ApiError, api, type Suppression } from '../api.js';
import { badge, details, h, link, table, time } from '../dom.js';
import { confirmButton, field, filterForm, pagedList, pageHeading, routeWith, type View, type ViewContext } from '../view.js';

function removeButton(address: string, context: ViewContext) {
  return confirmButton('Remove', `Send to ${address} again?`, async () => {
    await api.removeSuppression(address);
    context.announce(`${address} removed from the suppression list.`);
    context.reload();
  });
}

const origin = (s: Suppression) => (s.messageId ? link(`/emails/${encodeURIComponent(s.messageId)}`, 'message') : '');

export const suppressionsView: View = async (context) => {
  const wanted = context.query.get('address')?.trim() ?? '';
  const address = h('input', { type: 'search', name: 'address', value: wanted, placeholder: 'ann@example.org', autocomplete: 'off', required: true });
  const form = filterForm(
    'Look up an address',
    [field('Address', address, 'the whole address')],
    'Look up',
    () => routeWith('/suppressions', { address: address.value.trim() }),
    { clear: wanted ? '/suppressions' : undefined },
  );

  let result: HTMLElement;
  if (wanted) {
    const found = await api.suppression(wanted).catch((error) => (error instanceof ApiError && error.status === 404 ? undefined : Promise.reject(error)));
    result = found
      ? h(
          'div',
          { class: 'card', id: 'suppression-result' },
          h('h2', {}, found.address, ' ', badge('suppressed')),
          details([
            ['Reason', found.reason],
            ['Since', time(found.createdAt)],
            ['Reported by', found.origin],
            ['Bounce', [found.bounceType, found.bounceSubType].filter(Boolean).join(' / ')],
            ['Diagnostic', found.diagnosticCode ? h('code', {}, found.diagnosticCode) : undefined],
            ['Message', origin(found)],
          ]),
          removeButton(found.address, context),
        )
      : h('p', { class: 'empty', id: 'suppression-result' }, `${wanted} is not suppressed: Posthaste sends to it.`);
  } else {
    result = h('div', { id: 'suppression-list' });
    await pagedList(
      result,
      (cursor) => api.suppressions({ limit: 50, cursor }),
      (entries) =>
        table(
          'Suppressed addresses',
          ['Address', 'Reason', 'Since', 'Detail', 'Origin', ''],
          entries.map((s) => [
            h('a', { href: `#${routeWith('/suppressions', { address: s.address })}` }, s.address),
            badge(s.reason),
            time(s.createdAt),
            s.diagnosticCode ?? [s.bounceType, s.bounceSubType].filter(Boolean).join(' / '),
            origin(s),
            removeButton(s.address, context),
          ]),
          'No address is suppressed.',
        ),
    );
  }
  if (context.left) return;
  context.main.replaceChildren(pageHeading('Suppressions'), form, result);
};
