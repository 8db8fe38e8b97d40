import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localImportsOf, REPO, tsFiles } from '../helpers/imports.js';

/** Import cycles (type-only ones included) make a layer impossible to read or move on its own. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('import graph', () => {
  it('finds a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
          ['c', []],
        ]),
      ),
    ).toEqual([['a', 'b', 'a']]);
  });

  it('has no cycle in functions, infra, local, cli or client', () => {
    const files = ['functions', 'infra', 'local', 'cli', 'client'].flatMap((dir) => tsFiles(join(REPO, dir)));
    const graph = new Map(files.map((file) => [file, localImportsOf(file)]));
    expect(files.length).toBeGreaterThan(50);
    expect(cycles(graph).map((cycle) => cycle.map((f) => relative(REPO, f)).join(' → '))).toEqual([]);
  });
});
