/**
 * The operator console: a page that reads and changes Posthaste only through its public
 * HTTP API. Routes live in the address's hash (`#/emails?status=bounced`), so every view and
 * filter can be bookmarked, shared and reached with Back.
 */
import { ApiError, storedKey, storeKey } from './api.js';
import { h, replace } from './dom.js';
import { errorBox, type View, type ViewContext } from './view.js';
import { bouncesView } from './views/bounces.js';
import { emailView } from './views/email.js';
import { emailLogView } from './views/email-log.js';
import { suppressionsView } from './views/suppressions.js';
import { templateView } from './views/template.js';
import { templatesView } from './views/templates.js';
import { webhookView } from './views/webhook.js';
import { webhooksView } from './views/webhooks.js';

const ROUTES: { pattern: RegExp; view: View; section: string }[] = [
  { pattern: /^\/emails\/?$/, view: emailLogView, section: 'emails' },
  { pattern: /^\/emails\/([^/]+)$/, view: emailView, section: 'emails' },
  { pattern: /^\/bounces\/?$/, view: bouncesView, section: 'bounces' },
  { pattern: /^\/suppressions\/?$/, view: suppressionsView, section: 'suppressions' },
  { pattern: /^\/templates\/?$/, view: templatesView, section: 'templates' },
  { pattern: /^\/templates\/([^/]+)$/, view: templateView, section: 'templates' },
  { pattern: /^\/webhooks\/?$/, view: webhooksView, section: 'webhooks' },
  { pattern: /^\/webhooks\/([^/]+)$/, view: webhookView, section: 'webhooks' },
];

const main = document.getElementById('main')!;
const announcer = document.getElementById('announcer')!;
let leave: (() => void) | undefined;

function announce(text: string) {
  // Emptied first so the same words said twice are read twice.
  announcer.textContent = '';
  requestAnimationFrame(() => (announcer.textContent = text));
}

function forgetKey() {
  storeKey(null);
  announce('The key is forgotten in this tab.');
  void render();
}

/** Asks for an API key (the API answered 401) and draws the view again with it. */
function keyForm(retry: () => void): HTMLElement {
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', required: true, placeholder: 'ph_…' });
  const form = h(
    'form',
    {
      class: 'card key-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        storeKey(input.value.trim());
        retry();
      },
    },
    h('h1', { tabindex: '-1', id: 'page-heading' }, 'API key needed'),
    h('p', {}, 'This API asks for a key. It is kept in this tab only and sent with each request as Authorization: Bearer.'),
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'API key'), input),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Use this key'),
      storedKey() !== null ? h('button', { type: 'button', onclick: forgetKey }, 'Forget the key') : null,
    ),
  );
  return form;
}

/** Counts renders, so only the latest one ends the busy state (an earlier one may settle after it began). */
let renders = 0;

async function render(focus = true) {
  leave?.();
  const current = ++renders;
  const [path = '/', search = ''] = location.hash.replace(/^#/, '').split('?', 2) as [string?, string?];
  if (path === '/' || path === '') {
    location.replace('#/emails');
    return;
  }
  const route = ROUTES.find((r) => r.pattern.test(path));
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a[data-section]')) {
    if (a.dataset.section === route?.section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const timers: number[] = [];
  let left = false;
  leave = () => {
    left = true;
    for (const timer of timers) clearInterval(timer);
  };
  if (!route) {
    replace(
      main,
      h('h1', { tabindex: '-1', id: 'page-heading' }, 'Not found'),
      h('p', {}, 'No such page. ', h('a', { href: '#/emails' }, 'Go to the email log')),
    );
    return;
  }
  const context: ViewContext = {
    main,
    params: (route.pattern.exec(path)?.slice(1) ?? []).map(decodeURIComponent),
    query: new URLSearchParams(search),
    every(ms, task) {
      let running = false;
      const timer = window.setInterval(async () => {
        if (running || document.visibilityState === 'hidden') return;
        running = true;
        try {
          await task();
        } catch {
          // A failed refresh keeps what is shown; the next tick tries again.
        } finally {
          running = false;
        }
      }, ms);
      timers.push(timer);
      return () => clearInterval(timer);
    },
    get left() {
      return left;
    },
    announce,
    reload: () => void render(false),
  };
  // While the next view loads, what is on screen belongs to the last one: it takes no input
  // (a filter chosen in a form about to be replaced would be lost without a word).
  main.setAttribute('aria-busy', 'true');
  main.inert = true;
  try {
    await route.view(context);
  } catch (error) {
    if (left) return;
    if (error instanceof ApiError && error.needsKey)
      replace(
        main,
        keyForm(() => void render()),
      );
    else replace(main, h('h1', { tabindex: '-1', id: 'page-heading' }, 'Something went wrong'), errorBox(error));
  } finally {
    if (current === renders) {
      main.removeAttribute('aria-busy');
      main.inert = false;
    }
  }
  if (!left && focus) document.getElementById('page-heading')?.focus({ preventScroll: true });
}

document.getElementById('key-button')?.addEventListener('click', () => {
  leave?.();
  replace(
    main,
    keyForm(() => void render()),
  );
  main.querySelector('input')?.focus();
});
// The skip link would change the route if it followed its hash: it moves focus instead.
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => void render());
// On the first load the focus stays at the top of the page (the skip link comes first); later views take it.
void render(false);
