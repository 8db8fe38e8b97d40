/**
 * One stored template version rendered with one set of variables, the same way for a send
 * and for a preview: compiled once per container (the cache), rendered, the result checked
 * as a request's own subject, text and html would be, and a text part made from the html
 * when the template has none (unless the caller said `autoText: false`). Every failure is a
 * 422 naming what to fix: the variable, or the part that rendered wrong.
 */
import { type FieldIssue, PosthasteError, validationFailed } from './errors.js';
import type { TemplateRecord } from './records.js';
import { fieldIssues, plainWords, renderedContentPasses, renderedContentSchema } from './send-request.js';
import type { TemplateCache } from './template-cache.js';
import type { CompiledTemplate, RenderedContent, SourceName } from './template-engine.js';
import { textFromHtml } from './text-from-html.js';

export type CompiledTemplates = TemplateCache<CompiledTemplate>;

/** What the caller called the things a problem names: `template.variables` in a send, `variables` in a preview. */
export interface RenderFields {
  variables: string;
  /** Where a rendered part's problem is reported (`subject` in a send); absent: the part's own name. */
  part?: (part: 'subject' | 'text' | 'html') => string;
}

type Engine = typeof import('./template-engine.js');
let engine: Promise<Engine> | undefined;
let loaded: Engine | undefined;
/** Handlebars is loaded on first use: a container that never renders a template never loads it. */
export const loadEngine = (): Promise<Engine> => {
  engine ??= import('./template-engine.js').then((module) => {
    loaded = module;
    return module;
  });
  return engine;
};

// Made once, not per render: a closure per call costs as much as the check of what was rendered.
const compile = (template: TemplateRecord): CompiledTemplate => new loaded!.CompiledTemplate(template);
// Version 0: sources not stored yet (the CLI rendering a folder).
const nameOf = (template: TemplateRecord) =>
  template.version > 0 ? `template ${template.alias} v${template.version}` : `template ${template.alias} (local files)`;
const sourceLabel = (source: SourceName): string => (source.startsWith('partials.') ? `partial ${source.slice('partials.'.length)}` : source);
const SIMPLE_PATH = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/;

export async function renderTemplate(
  cache: CompiledTemplates,
  template: TemplateRecord,
  variables: Record<string, unknown>,
  options: { autoText: boolean; fields: RenderFields },
): Promise<RenderedContent> {
  const { MissingVariableError, where } = loaded ?? (await loadEngine());
  const { fields } = options;
  let rendered: RenderedContent;
  try {
    rendered = cache.get(template, compile).render(variables);
  } catch (error) {
    if (error instanceof MissingVariableError) {
      const used = `the ${sourceLabel(error.source)} of ${nameOf(template)} (${where(error.position)})`;
      const issue: FieldIssue =
        error.within !== undefined && SIMPLE_PATH.test(error.within)
          ? { field: `${fields.variables}.${error.within}`, message: `"${error.path}" is used inside it by ${used} and is missing there` }
          : SIMPLE_PATH.test(error.path)
            ? { field: `${fields.variables}.${error.path}`, message: `is used by ${used} and was not given` }
            : { field: fields.variables, message: `"${error.path}" is used by ${used} and was not given` };
      throw new PosthasteError('validation_failed', `${issue.field}: ${issue.message}`, [issue], { cause: error });
    }
    const source = (error as { source?: SourceName }).source;
    const message = `${source ? `the ${sourceLabel(source)} of ` : ''}${nameOf(template)} could not be rendered: ${(error as Error).message}`;
    throw new PosthasteError('validation_failed', message, [{ field: fields.variables, message }], { cause: error });
  }
  // Only a refusal needs the schema's words: the whole parse (with the plain-words error map,
  // which costs more than the check itself) says them.
  if (!renderedContentPasses(rendered)) {
    const checked = renderedContentSchema.safeParse(rendered, { error: plainWords });
    const part = fields.part ?? ((p) => p);
    throw validationFailed(
      fieldIssues(checked.error!).map((issue) => ({
        field: issue.field === 'subject' || issue.field === 'text' || issue.field === 'html' ? part(issue.field) : issue.field,
        message: `as rendered by ${nameOf(template)}: ${issue.message}`,
      })),
    );
  }
  if (options.autoText && rendered.text === undefined && rendered.html !== undefined) rendered.text = await textFromHtml(rendered.html);
  return rendered;
}
