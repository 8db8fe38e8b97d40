/**
 * The templates use cases: create a template, give it a new version, read one (the latest
 * or a given version), list them, delete one, and preview a rendering. A version is
 * checked with the engine before it is stored, so a template that does not compile is a
 * 422 naming the part and the line and column, never a failure when mail is sent.
 */
import { PosthasteError, validationFailed } from './errors.js';
import type { Clock, Page, PageRequest, TemplateStore } from './ports.js';
import type { TemplateContent, TemplateRecord, TemplateSummary, TemplateUsed } from './records.js';
import { type CompiledTemplates, loadEngine, renderTemplate } from './render-template.js';
import { readNewTemplate, readRenderRequest, readTemplateContent } from './template-request.js';

export interface TemplateDeps {
  templates: TemplateStore;
  /** Compiled templates of this container, shared with the accept path. */
  compiled: CompiledTemplates;
  clock: Clock;
}

const unavailable = (cause: unknown) =>
  new PosthasteError('service_unavailable', 'could not reach the templates table; nothing was changed, try again', [], { cause });
const notFound = (alias: string, version?: number) =>
  new PosthasteError('not_found', version === undefined ? `no template ${alias}` : `template ${alias} has no version ${version}`, [
    { field: version === undefined ? 'alias' : 'version', message: version === undefined ? 'no such template' : 'no such version' },
  ]);

async function checkCompiles(content: TemplateContent): Promise<void> {
  const issues = (await loadEngine()).checkTemplate(content);
  if (issues.length > 0) throw validationFailed(issues);
}

async function add(deps: TemplateDeps, alias: string, content: TemplateContent, mode: 'create' | 'update'): Promise<TemplateUsed> {
  await checkCompiles(content);
  const result = await deps.templates.addVersion(alias, content, deps.clock.now().toISOString(), mode).catch((error: unknown) => {
    throw unavailable(error);
  });
  if (result.outcome === 'exists')
    throw new PosthasteError('template_exists', `template ${alias} exists; PUT /v1/templates/${alias} makes a new version`, [
      { field: 'alias', message: 'is taken' },
    ]);
  if (result.outcome === 'missing') throw notFound(alias);
  return { alias, version: result.template.version };
}

/** POST /v1/templates: version 1 of a new alias (or the next number, when the alias was deleted before). */
export async function createTemplate(deps: TemplateDeps, body: unknown): Promise<TemplateUsed> {
  const { alias, content } = readNewTemplate(body);
  return add(deps, alias, content, 'create');
}

/** PUT /v1/templates/{alias}: a new version; the older ones stay readable. */
export const newTemplateVersion = (deps: TemplateDeps, alias: string, body: unknown): Promise<TemplateUsed> =>
  add(deps, alias, readTemplateContent(body), 'update');

export async function getTemplate(deps: Pick<TemplateDeps, 'templates'>, alias: string, version?: number): Promise<TemplateRecord> {
  const found = await deps.templates.get(alias, version);
  if (!found) throw notFound(alias, version);
  return found;
}

export const listTemplates = (deps: Pick<TemplateDeps, 'templates'>, page: PageRequest): Promise<Page<TemplateSummary>> => deps.templates.list(page);

/** DELETE /v1/templates/{alias}: every version. Messages already accepted keep what was rendered for them. */
export async function deleteTemplate(deps: TemplateDeps, alias: string): Promise<void> {
  if (!(await deps.templates.remove(alias, deps.clock.now().toISOString()))) throw notFound(alias);
}

/** POST /v1/templates/{alias}/render: what a send with these variables would carry; nothing is sent. */
export async function previewTemplate(deps: TemplateDeps, alias: string, version: number | undefined, body: unknown) {
  const { variables, autoText } = readRenderRequest(body);
  const template = await getTemplate(deps, alias, version);
  const rendered = await renderTemplate(deps.compiled, template, variables, { autoText, fields: { variables: 'variables' } });
  return { alias, version: template.version, ...rendered };
}
