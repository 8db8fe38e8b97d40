/**
 * Building the page without innerHTML: every value the API returns is text (or an
 * attribute), never markup, so nothing an email or a webhook reply holds can run here.
 */

export type Child = Node | string | number | false | null | undefined | Child[];
type AttributeValue = string | number | boolean | null | undefined;
export type Attributes = { [name: string]: AttributeValue | ((event: Event) => void) };

/** An element with attributes (`on…` ones become listeners; `true` is an empty attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== false && child !== null && child !== undefined) parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

const clock = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
const thisYear = new Intl.DateTimeFormat(undefined, clock);
const otherYear = new Intl.DateTimeFormat(undefined, { ...clock, year: 'numeric' });

/** A time in the reader's zone; the exact ISO value in `datetime` and as a tooltip. */
export function time(iso: string | undefined): HTMLElement | string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = date.getFullYear() === new Date().getFullYear() ? thisYear : otherYear;
  return h('time', { datetime: iso, title: iso }, format.format(date));
}

/** A status or event type as a coloured word (the colour comes from its class; the word carries the meaning). */
export const badge = (word: string): HTMLElement => h('span', { class: `badge badge-${word.replace(/[^a-z_]/g, '')}` }, word.replace(/_/g, ' '));

/** A description list of label/value pairs; empty values are left out. */
export function details(rows: [string, Child][]): HTMLElement {
  return h(
    'dl',
    { class: 'details' },
    rows
      .filter(([, value]) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0))
      .map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
  );
}

/** A table with a caption for screen readers; `cells` of each row line up with `headings` (used as labels on narrow screens). */
export function table(caption: string, headings: string[], rows: Child[][], empty = 'Nothing here yet.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headings.map((heading) => h('th', { scope: 'col' }, heading)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((cell, i) => h('td', { 'data-label': headings[i] ?? '' }, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A link inside the console (hash routes). */
export const link = (route: string, ...children: Child[]): HTMLAnchorElement => h('a', { href: `#${route}` }, ...children);

/** Text that may wrap after `@`, `.` and `,` (addresses in narrow table columns) and nowhere else. */
export function breakable(text: string): Child[] {
  return text.split(/(?<=[@.,])/).flatMap((part, i) => (i === 0 ? [part] : [document.createElement('wbr'), part]));
}
