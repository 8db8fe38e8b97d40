import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every TypeScript file below `dir`. */
export const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : /\.[cm]?ts$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );

/** Every module specifier a source imports (types too), re-exports, `import()`s or `require`s. */
export const importsOf = (source: string): string[] => ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);

/** The repository files `file` imports by relative path (`./x.js` read as `./x.ts`). */
export const localImportsOf = (file: string): string[] =>
  importsOf(readFileSync(file, 'utf8'))
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
    .filter((target) => existsSync(target));
