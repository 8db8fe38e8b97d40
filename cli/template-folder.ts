/**
 * Templates kept in git: one folder per alias, reviewed like code and pushed from CI.
 *
 *   templates/
 *     partials/layout.hbs        shared partials, called as {{> layout}} (name = file name up to the first dot)
 *     receipt/subject.hbs        the subject (one line; the final newline is dropped)
 *     receipt/html.hbs           the html part
 *     receipt/text.hbs           the text part (optional: without it one is made from the html)
 *     receipt/description.txt    optional
 *     receipt/sample.json        optional sample variables (`render` uses them without --vars)
 *     receipt/partials/…         optional partials of this template only (they win over shared ones)
 *
 * A part's file is `<part>` or `<part>.<any extension>`. Pushing stores with each template
 * only the partials it calls (and those they call), as the API keeps a version whole.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateContent } from '../functions/core/records.js';
import { partialsCalledBy } from '../functions/core/template-engine.js';
import { PARTIAL_NAME, TEMPLATE_ALIAS } from '../functions/core/template-limits.js';
import { UsageError } from './output.js';

export interface FolderTemplate {
  alias: string;
  content: TemplateContent;
  /** sample.json, when there is one. */
  sample?: Record<string, unknown>;
}

const PARTS = ['subject', 'html', 'text', 'description'] as const;
type Part = (typeof PARTS)[number];
const PARTIALS = 'partials';
const SAMPLE = 'sample.json';

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();
const visible = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith('.'));
/** `receipt/html.hbs` → `html`; `layout.mjml.hbs` → `layout`. */
const baseName = (file: string) => file.split('.')[0]!;
/** One line: what an editor's final newline adds is not part of it. */
const oneLine = (text: string) => text.replace(/[\r\n]+$/, '');

/** The file holding `part` in `folder`, if any; two candidates are a usage error. */
function partFile(folder: string, part: Part): string | undefined {
  const found = visible(folder).filter((name) => baseName(name) === part && !isDir(join(folder, name)));
  if (found.length > 1) throw new UsageError(`${folder}: ${found.join(' and ')} both hold the ${part}; keep one`);
  return found[0] && join(folder, found[0]);
}

function readPartials(dir: string): Record<string, string> {
  if (!isDir(dir)) return {};
  const partials: Record<string, string> = {};
  for (const file of visible(dir)) {
    const name = baseName(file);
    if (!PARTIAL_NAME.test(name)) throw new UsageError(`${join(dir, file)}: a partial's name must be 1-64 of A-Z a-z 0-9 _ -`);
    if (Object.hasOwn(partials, name)) throw new UsageError(`${dir}: two files hold partial ${name}; keep one`);
    partials[name] = readFileSync(join(dir, file), 'utf8');
  }
  return partials;
}

function readSample(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${file}: must hold a JSON object of variables`);
  return value as Record<string, unknown>;
}

/** Every template of the folder, in alias order. */
export function readTemplateFolder(dir: string): FolderTemplate[] {
  if (!isDir(dir)) throw new UsageError(`${dir}: not a folder`);
  const shared = readPartials(join(dir, PARTIALS));
  const aliases = visible(dir)
    .filter((name) => name !== PARTIALS && isDir(join(dir, name)))
    .sort();
  return aliases.map((alias) => {
    const folder = join(dir, alias);
    if (!TEMPLATE_ALIAS.test(alias)) throw new UsageError(`${folder}: a template's folder name is its alias: 1-64 of A-Z a-z 0-9 _ -`);
    for (const name of visible(folder)) {
      const known = name === SAMPLE || name === PARTIALS || (PARTS as readonly string[]).includes(baseName(name));
      if (!known) throw new UsageError(`${join(folder, name)}: not a part of a template (subject, html, text, description, sample.json, partials/)`);
    }
    const read = (part: Part) => {
      const file = partFile(folder, part);
      return file === undefined ? undefined : readFileSync(file, 'utf8');
    };
    const subject = read('subject');
    if (subject === undefined) throw new UsageError(`${folder}: has no subject file`);
    const content: TemplateContent = { subject: oneLine(subject) };
    const html = read('html');
    const text = read('text');
    const description = read('description');
    if (html !== undefined) content.html = html;
    if (text !== undefined) content.text = text;
    if (description !== undefined) content.description = oneLine(description);
    const available = { ...shared, ...readPartials(join(folder, PARTIALS)) };
    const called = partialsCalledBy([content.subject, html ?? '', text ?? ''], available);
    if (called.length > 0) content.partials = Object.fromEntries(called.sort().map((name) => [name, available[name]!]));
    const sample = existsSync(join(folder, SAMPLE)) ? readSample(join(folder, SAMPLE)) : undefined;
    return { alias, content, ...(sample ? { sample } : {}) };
  });
}

/** Whether two versions hold the same sources (what a push would store again). */
export function sameContent(a: TemplateContent, b: TemplateContent): boolean {
  const partials = (c: TemplateContent) => JSON.stringify(Object.entries(c.partials ?? {}).sort(([x], [y]) => x.localeCompare(y)));
  return a.subject === b.subject && a.html === b.html && a.text === b.text && a.description === b.description && partials(a) === partials(b);
}

/** Writes `text` to the file that holds it already (whatever its extension), or to `<name><extension>`. */
function writeInto(folder: string, name: string, extension: string, text: string | undefined): void {
  const existing = isDir(folder) ? visible(folder).filter((file) => baseName(file) === name && !isDir(join(folder, file))) : [];
  if (text === undefined) {
    for (const file of existing) rmSync(join(folder, file));
    return;
  }
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, existing[0] ?? `${name}${extension}`), text);
}

/**
 * Writes templates into the folder layout above. A partial every template that has it
 * holds the same goes to the shared partials/, any other into its template's folder.
 */
export function writeTemplateFolder(dir: string, templates: { alias: string; content: TemplateContent }[]): void {
  const versions = new Map<string, Set<string>>();
  for (const { content } of templates)
    for (const [name, source] of Object.entries(content.partials ?? {})) versions.set(name, (versions.get(name) ?? new Set()).add(source));
  const shared = new Set([...versions].filter(([, sources]) => sources.size === 1).map(([name]) => name));
  for (const { alias, content } of templates) {
    const folder = join(dir, alias);
    writeInto(folder, 'subject', '.hbs', `${content.subject}\n`);
    writeInto(folder, 'html', '.hbs', content.html);
    writeInto(folder, 'text', '.hbs', content.text);
    writeInto(folder, 'description', '.txt', content.description === undefined ? undefined : `${content.description}\n`);
    for (const [name, source] of Object.entries(content.partials ?? {})) writeInto(join(shared.has(name) ? dir : folder, PARTIALS), name, '.hbs', source);
  }
}
