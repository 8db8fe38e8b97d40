/**
 * Template rendering: our path (the per-container cache, rendering subject, html and text,
 * checking what was rendered as a request's own fields) against Handlebars called directly
 * with the same compiled templates and options, on the repository's password-reset example
 * (a layout partial, a footer partial, all three parts). What making a text part from html
 * costs is measured apart: the baseline has nothing like it.
 */
import Handlebars from 'handlebars';
import { readTemplateFolder } from '../cli/template-folder.js';
import type { TemplateRecord } from '../functions/core/records.js';
import { renderTemplate } from '../functions/core/render-template.js';
import { TemplateCache } from '../functions/core/template-cache.js';
import { CompiledTemplate, ESCAPED, UNESCAPED } from '../functions/core/template-engine.js';
import { textFromHtml } from '../functions/core/text-from-html.js';
import { alternate, forAbout, median, round } from './lib/stats.js';

export interface TemplatesResult {
  /** CPU microseconds per message rendered (subject, html, text). */
  ours_us: number;
  handlebars_us: number;
  /** Handlebars' time over ours: messages per second, ours as a share of the engine's. */
  ratio: number;
  /** Our path without checking what was rendered (the cache and the engine only). */
  render_only_us: number;
  render_only_ratio: number;
  /** Text from the rendered html (html-to-text), per message, when a template has no text. */
  text_from_html_us: number;
  /** The first render of a version in a container: compile and render. */
  first_render_us: number;
  rounds: number;
}

const FOLDER = new URL('../templates/', import.meta.url).pathname;
const variables = (i: number) => ({
  product: { name: 'Acme Tea', supportUrl: 'https://tea.example/help' },
  name: `Reader <${i}>`,
  resetUrl: `https://tea.example/reset?token=${i.toString(16).padStart(8, '0')}`,
  expiresInMinutes: 30,
});

/** CPU microseconds per call over about `ms` of wall time: steadier than wall time on a shared machine. */
async function perMessageUs(ms: number, once: (i: number) => unknown): Promise<number> {
  const { count, cpuUs } = await forAbout(ms, once);
  return cpuUs / count;
}

export async function benchTemplates(options: { rounds: number; roundMs: number }): Promise<TemplatesResult> {
  const found = readTemplateFolder(FOLDER).find((t) => t.alias === 'password-reset');
  if (!found) throw new Error(`${FOLDER} has no password-reset template`);
  const template: TemplateRecord = { alias: 'password-reset', version: 1, createdAt: new Date().toISOString(), ...found.content };
  const fields = { variables: 'template.variables' };

  // The engine alone, set up as ours is (the engine's own options): strict, built-in helpers only, escaping in html only.
  const handlebarsDirect = () => {
    const hb = Handlebars.create();
    const compileAll = (options: CompileOptions) =>
      Object.fromEntries(Object.entries(template.partials ?? {}).map(([name, source]) => [name, hb.compile(source, options)]));
    const escaped = compileAll(ESCAPED);
    const unescaped = compileAll(UNESCAPED);
    const subject = hb.compile(template.subject, UNESCAPED);
    const html = hb.compile(template.html!, ESCAPED);
    const text = hb.compile(template.text!, UNESCAPED);
    return (i: number) => {
      const v = variables(i);
      return { subject: subject(v, { partials: unescaped }), html: html(v, { partials: escaped }), text: text(v, { partials: unescaped }) };
    };
  };
  // In V8 the templates a process compiles first run slower than later ones (measured: up to
  // 2× here), whoever compiled them: a throwaway pair of each runs first, so neither side
  // measured is the first.
  const throwaway = [handlebarsDirect(), new CompiledTemplate(template)];
  for (let i = 0; i < 3000; i++) for (const side of throwaway) typeof side === 'function' ? side(i) : side.render(variables(i));

  const cache = new TemplateCache<CompiledTemplate>();
  const ours = (i: number) => renderTemplate(cache, template, variables(i), { autoText: false, fields });
  const compile = (t: TemplateRecord) => new CompiledTemplate(t);
  const renderOnly = (i: number) => cache.get(template, compile).render(variables(i));
  const direct = handlebarsDirect();

  const [a, b] = [await ours(1), direct(1)];
  if (a.subject !== b.subject || a.html !== b.html || a.text !== b.text) throw new Error('our rendering and Handlebars differ');

  const firstStart = performance.now();
  await renderTemplate(new TemplateCache(), { ...template, version: 2 }, variables(0), { autoText: false, fields });
  const first_render_us = (performance.now() - firstStart) * 1000;

  await perMessageUs(options.roundMs / 2, ours);
  await perMessageUs(options.roundMs / 2, direct);
  const paired = await alternate(
    options.rounds,
    () => perMessageUs(options.roundMs, ours),
    () => perMessageUs(options.roundMs, direct),
  );
  const bare = await alternate(
    options.rounds,
    () => perMessageUs(options.roundMs, renderOnly),
    () => perMessageUs(options.roundMs, direct),
  );
  const htmlOnly = a.html!;
  await perMessageUs(options.roundMs / 4, () => textFromHtml(htmlOnly));
  const text_from_html_us = await perMessageUs(options.roundMs, () => textFromHtml(htmlOnly));
  return {
    ours_us: round(median(paired.ours)),
    handlebars_us: round(median(paired.baseline)),
    // Time per message, so the baseline's over ours is ours as a share of the engine's speed.
    ratio: round(median(paired.ours.map((us, i) => paired.baseline[i]! / us))),
    render_only_us: round(median(bare.ours)),
    render_only_ratio: round(median(bare.ours.map((us, i) => bare.baseline[i]! / us))),
    text_from_html_us: round(text_from_html_us),
    first_render_us: round(first_render_us),
    rounds: options.rounds,
  };
}
