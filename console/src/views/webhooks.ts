/** Webhook endpoints: the list, and a form to add one (its signing secret is shown once). */
import { api, WEBHOOK_EVENTS, type WebhookEndpoint, type WebhookEventType } from '../api.js';
import { badge, h, link, replace, table, time } from '../dom.js';
import { errorBox, field, pagedList, pageHeading, type View } from '../view.js';
import { secretNotice } from './webhook-secret.js';

export const endpointState = (endpoint: WebhookEndpoint) =>
  endpoint.enabled
    ? endpoint.consecutiveFailures > 0
      ? h('span', {}, badge('failing'), ` ${endpoint.consecutiveFailures} failed in a row`)
      : badge('enabled')
    : h('span', {}, badge('disabled'), endpoint.disabledReason ? ` ${endpoint.disabledReason}` : '');

export const eventList = (endpoint: WebhookEndpoint) => (endpoint.events.length ? endpoint.events.join(', ') : 'every event');

function createForm(onCreated: (notice: HTMLElement) => void): HTMLFormElement {
  const url = h('input', { type: 'url', name: 'url', required: true, placeholder: 'https://app.example.com/webhooks/posthaste', autocomplete: 'off' });
  const description = h('input', { type: 'text', name: 'description', maxlength: '500', autocomplete: 'off' });
  const boxes = Object.keys(WEBHOOK_EVENTS).map((type) => h('input', { type: 'checkbox', name: 'events', value: type }));
  const outcome = h('div', {});
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      id: 'create-webhook',
      'aria-labelledby': 'create-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const submit = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
        submit.disabled = true;
        try {
          const events = boxes.filter((box) => box.checked).map((box) => box.value as WebhookEventType);
          const created = await api.createWebhook({
            url: url.value.trim(),
            ...(description.value.trim() ? { description: description.value.trim() } : {}),
            ...(events.length ? { events } : {}),
          });
          form.reset();
          onCreated(secretNotice(created, `Endpoint ${created.url} created.`));
        } catch (error) {
          replace(outcome, errorBox(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'create-heading' }, 'Add an endpoint'),
    field('URL', url, 'https; Posthaste POSTs signed events here'),
    field('Description', description),
    h(
      'fieldset',
      { class: 'events' },
      h('legend', {}, 'Events (none checked: every event)'),
      boxes.map((box) => h('label', { class: 'check' }, box, ` ${WEBHOOK_EVENTS[box.value as WebhookEventType]}`)),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add endpoint')),
    outcome,
  );
  return form;
}

export const webhooksView: View = async (context) => {
  const list = h('div', { id: 'webhook-list' });
  const notices = h('div', {});
  const draw = () =>
    pagedList(
      list,
      (cursor) => api.webhooks({ limit: 50, cursor }),
      (endpoints) =>
        table(
          'Webhook endpoints',
          ['URL', 'State', 'Events', 'Description', 'Created'],
          endpoints.map((e) => [link(`/webhooks/${encodeURIComponent(e.id)}`, e.url), endpointState(e), eventList(e), e.description ?? '', time(e.createdAt)]),
          'No endpoint yet.',
        ),
    );
  await draw();
  if (context.left) return;
  const form = createForm((notice) => {
    replace(notices, notice);
    context.announce('Endpoint created. Copy its signing secret now.');
    void draw();
  });
  context.main.replaceChildren(pageHeading('Webhooks'), notices, list, form);
};
