import type { WebhookEndpointCreated } from '../api.js';
import { h } from '../dom.js';

/** A signing secret, which the API shows once: right after a create or a rotation. */
export function secretNotice(created: WebhookEndpointCreated, what: string): HTMLElement {
  const value = h('code', { class: 'secret', id: 'webhook-secret' }, created.secret);
  const copy = h(
    'button',
    { type: 'button', onclick: () => void navigator.clipboard?.writeText(created.secret).then(() => (copy.textContent = 'Copied')) },
    'Copy',
  );
  return h(
    'div',
    { class: 'notice', role: 'status' },
    h('p', {}, h('strong', {}, what), ' Copy the signing secret now: the API does not show it again.'),
    h('p', {}, value, ' ', copy),
  );
}
