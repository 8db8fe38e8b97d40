/** What every page of the console gets from the router, and the pieces they share. */
import { ApiError } from './api.js';
import { type Child, h } from './dom.js';

export interface ViewContext {
  /** Where the view draws. */
  main: HTMLElement;
  /** The route's captured path parts (e.g. an email id). */
  params: string[];
  /** The route's query (filters), from the address bar. */
  query: URLSearchParams;
  /** Runs `task` every `ms` while this view is shown and the tab is visible; stops when the reader leaves, or when the returned function is called. */
  every(ms: number, task: () => Promise<void>): () => void;
  /** True once the reader has moved to another view: late answers are dropped. */
  readonly left: boolean;
  /** Tells the reader (and screen readers, through a live region) what just happened. */
  announce(text: string): void;
  /** Draws the same route again (after a change). */
  reload(): void;
}

export type View = (context: ViewContext) => Promise<void>;

/** The route for `path` with `query` (empty values left out). */
export function routeWith(path: string, query: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** A refusal or failure, in the API's words (the problem's field included). */
export function errorBox(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    const fields = error.problem.errors?.map((e) => h('li', {}, h('code', {}, e.field), ' ', e.message));
    return h(
      'div',
      { class: 'alert', role: 'alert' },
      h('strong', {}, `${error.status} ${error.problem.code ?? ''}`.trim()),
      ' ',
      error.message,
      fields?.length ? h('ul', {}, fields) : null,
    );
  }
  return h('div', { class: 'alert', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

/** A heading that takes focus when a view opens, so keyboard and screen-reader users land on it. */
export const pageHeading = (...children: Child[]): HTMLHeadingElement => h('h1', { tabindex: '-1', id: 'page-heading' }, ...children);

/**
 * A button that runs `action` and shows the outcome beside it: disabled while it runs, the
 * API's refusal in an alert when it fails.
 */
export function actionButton(label: string, action: () => Promise<void>, attributes: Record<string, string> = {}): HTMLButtonElement {
  const button: HTMLButtonElement = h('button', {
    type: 'button',
    ...attributes,
    onclick: async () => {
      button.disabled = true;
      button.parentElement?.querySelector(':scope > .alert')?.remove();
      try {
        await action();
      } catch (error) {
        button.after(errorBox(error));
      } finally {
        button.disabled = false;
      }
    },
  });
  button.textContent = label;
  return button;
}

/**
 * A button that asks once more before doing something that cannot be undone: the first press
 * shows "Yes, …" and "Keep" in its place; focus moves to the question's buttons.
 */
export function confirmButton(label: string, question: string, action: () => Promise<void>): HTMLElement {
  const holder = h('span', { class: 'confirm' });
  const ask = () => {
    const yes = actionButton(`Yes, ${label.toLowerCase()}`, action, { class: 'danger' });
    const keep = h(
      'button',
      {
        type: 'button',
        onclick: () => {
          holder.replaceChildren(start);
          start.focus();
        },
      },
      'Keep',
    );
    holder.replaceChildren(h('span', { class: 'question' }, question), ' ', yes, ' ', keep);
    yes.focus();
  };
  const start = h('button', { type: 'button', onclick: ask }, label);
  holder.append(start);
  return holder;
}

let hints = 0;

/**
 * A labelled form control: `<label>` around the words and the control, so a click or a screen
 * reader finds it; a hint sits outside the label and describes the control (aria-describedby).
 */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const labelled = h('label', { class: 'field' }, h('span', { class: 'label' }, label), control);
  if (!hint) return labelled;
  const id = `hint-${++hints}`;
  control.setAttribute('aria-describedby', id);
  return h('div', { class: 'field' }, labelled, h('span', { class: 'hint', id }, hint));
}

/** Phones fold a search form away until it is opened (or has filters set): the results come first. */
const narrow = () => window.matchMedia('(max-width: 720px)').matches;

/**
 * A search form whose values live in the route: submitting changes the address (so Back and
 * bookmarks work) and the router draws the view again. `clear` is the route without filters;
 * `fold` puts the form in a disclosure that phones keep closed unless `active` (filters are set).
 */
export function filterForm(
  label: string,
  controls: HTMLElement[],
  submit: string,
  apply: () => string,
  options: { clear?: string | undefined; fold?: boolean; active?: boolean } = {},
): HTMLElement {
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': label,
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = apply();
      },
    },
    controls,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, submit),
      options.clear ? h('a', { href: `#${options.clear}`, class: 'button-link' }, 'Clear') : null,
    ),
  );
  if (!options.fold) return form;
  return h('details', { class: 'filter-box', open: options.active || !narrow() }, h('summary', {}, options.active ? `${label} (filtered)` : label), form);
}

/** `datetime-local` holds the reader's local time without a zone; the API wants ISO 8601 in UTC. */
export const isoFromLocal = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);
export function localFromIso(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/**
 * A list read page by page: the first page now, more on "Load more" while the API gives a
 * cursor. `draw` receives every item loaded so far.
 */
export async function pagedList<T>(
  container: HTMLElement,
  load: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor?: string | undefined }>,
  draw: (items: T[]) => HTMLElement,
): Promise<{ pages: () => number }> {
  const items: T[] = [];
  let pages = 0;
  const more = async (cursor: string | undefined) => {
    const page = await load(cursor);
    items.push(...page.data);
    pages++;
    const button = page.nextCursor ? actionButton('Load more', () => more(page.nextCursor), { class: 'more' }) : null;
    container.replaceChildren(draw(items), ...(button ? [button] : []));
  };
  await more(undefined);
  return { pages: () => pages };
}
