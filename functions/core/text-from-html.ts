/**
 * A plain-text part made from html, for a message that has html and no text: mail with only
 * html reads worse in text-only clients and scores as spam. html-to-text does the work (a
 * real HTML parser: entities, tables, lists); links keep their address as `text [url]`,
 * images and what the reader never sees (head, style, script) are left out. It is loaded on
 * first use, so a container that never needs it never loads it.
 */
import type { HtmlToTextOptions } from 'html-to-text';

const OPTIONS: HtmlToTextOptions = {
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { linkBrackets: ['[', ']'], hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    { selector: 'img', format: 'skip' },
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((selector) => ({ selector, options: { uppercase: false } })),
    // Email lays out with tables: as data tables, a layout table keeps its blocks and a table of items its columns.
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 78 } },
  ],
};

let converter: Promise<(html: string) => string> | undefined;

/** The text a reader of `html` would see, wrapped at 78 characters. */
export function textFromHtml(html: string): Promise<string> {
  converter ??= import('html-to-text').then(({ compile }) => compile(OPTIONS));
  return converter.then((convert) => convert(html));
}
