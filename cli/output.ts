import type { Command } from 'commander';

/** Exit codes, the same for every command. */
export const EXIT = {
  ok: 0,
  /** The API refused the request (a problem document), or some items of a batch failed. */
  refused: 1,
  /** Bad flags or arguments, or an input file that cannot be read. */
  usage: 2,
  /** The API (or AWS) could not be reached, or configuration is missing. */
  unreachable: 3,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  interactive: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** A plain text table: a header row, then the rows, columns padded to their widest cell. */
export function table(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Adds --limit and --cursor to a command that lists one page. */
export const pageOptions = (command: Command): Command =>
  command.option('--limit <n>', 'page size (1-100)', (v) => Number(v)).option('--cursor <cursor>', 'continue from a previous page');

/**
 * The paging options for a command that leaves out an empty (or 0) --limit and --cursor, so
 * the API's default applies. The email log, events and bounces send what was given instead.
 */
export const pageOrDefaults = (opts: { limit?: number; cursor?: string }): { limit?: number; cursor?: string } => ({
  ...(opts.limit ? { limit: opts.limit } : {}),
  ...(opts.cursor ? { cursor: opts.cursor } : {}),
});

/** Under a page: how to ask for the next one, when there is one. */
export const more = (cursor: string | undefined): string[] => (cursor ? [`\nmore: --cursor ${cursor}`] : []);

/** One page as a table, and how to ask for the next. */
export const pageTable = <T>(page: { data: T[]; nextCursor?: string }, headings: string[], row: (item: T) => unknown[]): string =>
  [table(headings, page.data.map(row) as string[][]), ...more(page.nextCursor)].join('\n');

/** Key/value lines for one record. */
export function details(pairs: [string, string | number | undefined][]): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/**
 * A one-line progress bar on stderr, redrawn in place; on a non-terminal it stays silent
 * and the command prints its summary instead.
 */
export function progressBar(io: Io, label: string) {
  let last = '';
  return {
    update(done: number, total: number) {
      if (!io.interactive) return;
      const width = 30;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * width);
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
      if (line === last) return;
      last = line;
      process.stderr.write(`\r${line}`);
    },
    done() {
      if (io.interactive && last) process.stderr.write('\n');
    },
  };
}
