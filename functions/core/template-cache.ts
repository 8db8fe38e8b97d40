import type { TemplateRecord } from './records.js';

/**
 * Compiled templates of this container, by alias and version: a version never changes
 * and its number is never reused, so an entry never goes stale. The least recently used
 * goes when the cache is full. It holds whatever the engine compiles to, so it can be
 * made before the engine is loaded.
 */
export class TemplateCache<Compiled> {
  private readonly entries = new Map<string, Compiled>();
  /** The record last asked for and what it compiled to: a batch asks with one record a hundred times. */
  private last: { template: object; compiled: Compiled } | undefined;
  /** How many templates were compiled (the rest were found here). */
  compilations = 0;

  constructor(private readonly capacity = 256) {}

  get<T extends Pick<TemplateRecord, 'alias' | 'version'>>(template: T, compile: (template: T) => Compiled): Compiled {
    if (this.last?.template === template) return this.last.compiled;
    const compiled = this.lookup(template, compile);
    this.last = { template, compiled };
    return compiled;
  }

  private lookup<T extends Pick<TemplateRecord, 'alias' | 'version'>>(template: T, compile: (template: T) => Compiled): Compiled {
    const key = `${template.alias}\u0000${template.version}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const compiled = compile(template);
    this.compilations++;
    this.entries.set(key, compiled);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return compiled;
  }

  get size(): number {
    return this.entries.size;
  }
}
