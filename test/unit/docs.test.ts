import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PosthasteError } from '../../functions/core/errors.js';
import { codeRows, REPO_ROOT, readDoc, section } from '../helpers/markdown.js';

describe('docs/api.md error codes', () => {
  const rows = codeRows(section(readDoc('docs/api.md'), '### Error codes'));
  const documented = new Map(rows.map(([code, [status]]) => [code, Number(status)]));

  it('lists every code the API answers with, each with its HTTP status', () => {
    const expected = Object.fromEntries(ERROR_CODES.map((code) => [code, new PosthasteError(code).status]));
    const listed = Object.fromEntries(ERROR_CODES.filter((code) => documented.has(code)).map((code) => [code, documented.get(code)]));
    expect(listed).toEqual(expected);
  });

  it('lists no code that does not exist, and each code once', () => {
    expect(rows.map(([code]) => code).filter((code) => !(ERROR_CODES as string[]).includes(code))).toEqual([]);
    expect(rows.length).toBe(documented.size);
  });
});

/** README.md and every page of docs/. */
const PAGES = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchorsIn = (markdown: string): Set<string> =>
  new Set(
    withoutCode(markdown)
      .split('\n')
      .flatMap((line) => /^#{1,6} (.+)$/.exec(line)?.slice(1) ?? [])
      .map(anchorOf),
  );

/** Fenced blocks hold example code, not links. */
const withoutCode = (markdown: string): string => markdown.replace(/^```[\s\S]*?^```/gm, '');

/** Relative link targets of a page: `[text](target)`, without web and mail addresses. */
const relativeLinks = (markdown: string): string[] =>
  [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

describe('links in README.md and docs/', () => {
  it('there are pages to check', () => {
    expect(PAGES).toContain('docs/api.md');
    expect(PAGES.length).toBeGreaterThan(5);
  });

  it.each(PAGES)('every relative link in %s points at an existing file (and heading)', (page) => {
    const text = readDoc(page);
    const broken = relativeLinks(text).filter((target) => {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(REPO_ROOT, page) : join(REPO_ROOT, dirname(page), decodeURIComponent(path));
      if (!existsSync(file)) return true;
      if (anchor === undefined || !file.endsWith('.md') || statSync(file).isDirectory()) return false;
      return !anchorsIn(readDoc(relative(REPO_ROOT, file))).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
