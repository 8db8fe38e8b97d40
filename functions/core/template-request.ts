/**
 * What the templates API accepts, as zod schemas: the one definition the API validates
 * with and the OpenAPI document is generated from. Compiling is checked apart
 * (template-engine.ts), since it needs the engine.
 */
import * as z from 'zod/mini';
import { described } from './described.js';
import { invalid } from './errors.js';
import type { TemplateContent } from './records.js';
import { parseWith, templateAliasSchema, templateVariablesSchema, UNICODE_MESSAGE, wellFormed } from './send-request.js';
import { PARTIAL_MESSAGE, PARTIAL_NAME, TEMPLATE_LIMITS } from './template-limits.js';

const source = (max: number) => z.string().check(z.maxLength(max), z.refine(wellFormed, { message: UNICODE_MESSAGE }));

const contentShape = {
  subject: described(
    source(TEMPLATE_LIMITS.subjectChars).check(
      z.minLength(1),
      z.refine((v) => !/[\r\n\u0000]/.test(v), { message: 'must be one line (no CR, LF or NUL)' }),
    ),
    { description: 'Handlebars source of the subject; rendered without HTML escaping' },
  ),
  html: described(z.optional(source(TEMPLATE_LIMITS.bodyChars)), { description: 'Handlebars source of the html part; variables are HTML-escaped' }),
  text: described(z.optional(source(TEMPLATE_LIMITS.bodyChars)), {
    description: 'Handlebars source of the text part; without it, a text part is made from the rendered html',
  }),
  description: z.optional(z.string().check(z.maxLength(TEMPLATE_LIMITS.descriptionChars))),
  partials: described(
    z.optional(
      z
        .record(z.string().check(z.regex(PARTIAL_NAME, PARTIAL_MESSAGE)), source(TEMPLATE_LIMITS.partialChars))
        .check(z.refine((p) => Object.keys(p).length <= TEMPLATE_LIMITS.partials, { message: `at most ${TEMPLATE_LIMITS.partials} partials` })),
    ),
    { description: 'Partials by name, called as `{{> name}}` (a layout as `{{#> layout}}…{{/layout}}`); stored with the version' },
  ),
};

function checkContent(content: TemplateContent, ctx: z.core.$RefinementCtx): void {
  if (content.html === undefined && content.text === undefined) ctx.addIssue({ code: 'custom', path: ['html'], message: 'html or text is required' });
  const bytes = [content.subject, content.html, content.text, content.description, ...Object.values(content.partials ?? {})].reduce(
    (sum, part) => sum + (part === undefined ? 0 : Buffer.byteLength(part)),
    0,
  );
  if (bytes > TEMPLATE_LIMITS.totalBytes)
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `the template holds ${bytes} bytes; the limit is ${TEMPLATE_LIMITS.totalBytes} for every part together`,
    });
}

/** PUT /v1/templates/{alias}: a new version. */
export const templateContentSchema = z.strictObject(contentShape).check(z.superRefine(checkContent));

/** POST /v1/templates: a new template, its version 1. */
export const createTemplateSchema = z.strictObject({ alias: templateAliasSchema, ...contentShape }).check(z.superRefine(checkContent));

/** POST /v1/templates/{alias}/render: a preview; nothing is sent. */
export const renderTemplateSchema = z.strictObject({
  variables: z.optional(templateVariablesSchema),
  autoText: described(z.optional(z.boolean()), { description: 'Make a text part from the html when the template has none (true unless set to false)' }),
});

/** Only the fields given: an absent optional part stays absent (not `undefined`), as the store writes it. */
function content(data: z.output<typeof templateContentSchema>): TemplateContent {
  return {
    subject: data.subject,
    ...(data.html !== undefined ? { html: data.html } : {}),
    ...(data.text !== undefined ? { text: data.text } : {}),
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(data.partials !== undefined ? { partials: data.partials } : {}),
  };
}

export const readTemplateContent = (body: unknown): TemplateContent => content(parseWith(templateContentSchema, body));

export function readNewTemplate(body: unknown): { alias: string; content: TemplateContent } {
  const { alias, ...rest } = parseWith(createTemplateSchema, body);
  return { alias, content: content(rest) };
}

export function readRenderRequest(body: unknown): { variables: Record<string, unknown>; autoText: boolean } {
  const data = parseWith(renderTemplateSchema, body);
  return { variables: data.variables ?? {}, autoText: data.autoText !== false };
}

/** A `?version=` query value: a whole number from 1. */
export function readVersion(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const version = Number(raw);
  if (!Number.isInteger(version) || version < 1) throw invalid('version', 'must be a whole number from 1');
  return version;
}
