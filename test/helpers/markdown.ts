import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '../..');

export const readDoc = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The text under a heading (`## Error codes`), up to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/**
 * The rows of the markdown tables in `text` whose first cell is one code span
 * (`| \`NAME\` | … |`), as [name, the other cells]. Header and separator rows have none.
 */
export function codeRows(text: string): [string, string[]][] {
  const rows: [string, string[]][] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
      .split(/(?<!\\)\|/) // an escaped `\|` stays inside its cell
      .map((cell) => cell.trim());
    const name = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
    if (name !== undefined) rows.push([name, cells.slice(1)]);
  }
  return rows;
}
