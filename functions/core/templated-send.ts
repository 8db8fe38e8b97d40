/**
 * A send item's final content, at accept time: its own, or what its template renders with
 * its variables; and a text part made from the html when it has none (unless `autoText`
 * is false). What is queued is always concrete, so a later version of the template never
 * changes a message already accepted. Within one call (a batch of 100 sharing a template)
 * each alias and version is read from the store once, and compiled once per container.
 */
import { invalid, PosthasteError } from './errors.js';
import type { TemplateStore } from './ports.js';
import type { TemplateRecord, TemplateUsed } from './records.js';
import { type CompiledTemplates, renderTemplate } from './render-template.js';
import { checkLimits, type EmailRequest, type SendInput } from './send-request.js';
import { textFromHtml } from './text-from-html.js';

/** What rendering templates for sends needs: the templates table and this container's compiled templates. */
export interface TemplateRendering {
  templates: Pick<TemplateStore, 'get'>;
  compiled: CompiledTemplates;
}

export type TemplateReader = (alias: string, version: number | undefined) => Promise<TemplateRecord | undefined>;

/** Reads each (alias, version) once, however many items of the call name it; "latest" is read once too, so every item gets the same version. */
export function templateReader(templates: Pick<TemplateStore, 'get'>): TemplateReader {
  const reads = new Map<string, Promise<TemplateRecord | undefined>>();
  return (alias, version) => {
    const key = `${alias}\u0000${version ?? 'latest'}`;
    let read = reads.get(key);
    if (!read) {
      read = templates.get(alias, version).catch((error: unknown) => {
        throw new PosthasteError('service_unavailable', 'could not read the template; nothing was queued, try again', [], { cause: error });
      });
      reads.set(key, read);
    }
    return read;
  };
}

export interface CompletedContent {
  request: EmailRequest;
  template?: TemplateUsed;
}

/** The request to queue for `input`. Throws the 422 that names a missing variable or a part that rendered wrong. */
export async function completeContent(rendering: TemplateRendering | undefined, read: TemplateReader | undefined, input: SendInput): Promise<CompletedContent> {
  if (input.kind === 'content') {
    const { request } = input;
    if (!input.autoText || request.html === undefined || request.text !== undefined) return { request };
    const withText = { ...request, text: await textFromHtml(request.html) };
    checkLimits(withText);
    return { request: withText };
  }
  if (!rendering || !read) throw invalid('template', 'templates are not configured in this deployment');
  const { alias, version, variables } = input.template;
  const template = await read(alias, version);
  if (!template) {
    throw version === undefined
      ? invalid('template.alias', `there is no template ${alias}`)
      : invalid('template.version', `template ${alias} has no version ${version}`);
  }
  const rendered = await renderTemplate(rendering.compiled, template, variables, {
    autoText: input.autoText,
    fields: { variables: 'template.variables' },
  });
  const request: EmailRequest = { ...input.envelope, ...rendered };
  checkLimits(request);
  return { request, template: { alias, version: template.version } };
}
