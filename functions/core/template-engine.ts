/**
 * The template engine: Handlebars 4.7, set up so a template is logic-light and safe by
 * default. Variables are HTML-escaped in the html part (`{{{raw}}}` opts out) and not in
 * the subject or text; a variable the template names and the caller did not give is an
 * error (strict mode), never an empty string in a customer's mail; only the built-in
 * helpers exist (if, unless, each, with, lookup; `log` is off), so a typo in a helper name
 * fails when the template is saved; properties a JavaScript object inherits are never
 * reachable (Handlebars' prototype-access guard, on by default since 4.6). Partials are a
 * version's own (`{{> footer}}`, a layout as `{{#> layout}}…{{/layout}}`).
 *
 * This module is loaded on first use (templated-send.ts, manage-templates.ts), so a
 * container that never renders a template never loads Handlebars.
 */
import Handlebars from 'handlebars';
import type { FieldIssue } from './errors.js';
import type { TemplateContent } from './records.js';

/** The parts of a message a template renders. */
export const TEMPLATE_PARTS = ['subject', 'html', 'text'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

/** What a template rendered; the text is absent when the template has none (one may be made from the html). */
export interface RenderedContent {
  subject: string;
  html?: string;
  text?: string;
}

/** Where in a source something is, as an editor counts: lines and columns from 1. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** `html`, `text`, `subject` or `partials.<name>`: the source a message names. */
export type SourceName = TemplatePart | `partials.${string}`;

/** A variable the template names that the variables did not hold. */
export class MissingVariableError extends Error {
  override name = 'MissingVariableError';
  constructor(
    /** The path as the template writes it, e.g. `customer.name`. */
    readonly path: string,
    readonly source: SourceName,
    readonly position: SourcePosition | undefined,
    /** The variable at the top of the context it was looked up in: `items` for `{{#each items}}{{price}}{{/each}}`; undefined at the top. */
    readonly within: string | undefined,
    options?: ErrorOptions,
  ) {
    super(`${path} is not defined`, options);
  }
}

/** A failure while rendering other than a missing variable (an `each` over a number, …). */
export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
  constructor(
    readonly source: SourceName | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const engine = Handlebars.create();

const COMPILE = { strict: true, knownHelpersOnly: true, knownHelpers: { log: false } } as const;
/** How html is compiled (variables escaped), and the subject and text (not): bench/templates.ts compiles its baseline with the same. */
export const ESCAPED: CompileOptions = { ...COMPILE };
export const UNESCAPED: CompileOptions = { ...COMPILE, noEscape: true };

const at = (line: number | undefined, column: number | undefined): SourcePosition | undefined =>
  line === undefined || column === undefined ? undefined : { line, column: column + 1 };

// ─── Checking a template before it is stored ────────────────────────────────────────────

interface ParserState {
  Parser?: { lexer?: { yylloc?: { first_line?: number; first_column?: number } } };
}

/** Jison's token names as a template's author reads them. */
const TOKENS: Record<string, string> = {
  EOF: 'end of template (is a block left open?)',
  INVALID: 'character here',
  CLOSE: '"}}"',
  CLOSE_UNESCAPED: '"}}}"',
  OPEN: '"{{"',
  OPEN_ENDBLOCK: '"{{/"',
  ID: 'name',
  EQUALS: '"="',
};

/** The engine's words for a syntax error, without the position (given apart) and the source excerpt. */
function plainSyntax(message: string): string {
  const lines = message.split('\n');
  const last = lines[lines.length - 1]!.replace(/ - \d+:\d+$/, '');
  const got = /got '([^']+)'$/.exec(last);
  return got ? `unexpected ${TOKENS[got[1]!] ?? got[1]}` : last;
}

/** Parses `source`; a syntax error becomes its position and plain words. */
function parse(source: string): { ast: hbs.AST.Program } | { error: string; position?: SourcePosition } {
  try {
    return { ast: engine.parse(source) };
  } catch (error) {
    const e = error as Error & { lineNumber?: number; column?: number };
    // Jison's parse errors carry no position of their own; its lexer stopped at the token it could not take.
    const lloc = (engine as unknown as ParserState).Parser?.lexer?.yylloc;
    const position = at(e.lineNumber, e.column) ?? at(lloc?.first_line, lloc?.first_column);
    return { error: plainSyntax(e.message), ...(position ? { position } : {}) };
  }
}

/** `line 3, column 14: …` */
export const where = (position: SourcePosition | undefined): string => (position ? `line ${position.line}, column ${position.column}` : 'somewhere');

/** Every `{{> name}}` and `{{#> name}}` a program calls, with where; a dynamic name (`{{> (lookup …)}}`) as `undefined`. */
function partialCalls(ast: hbs.AST.Program): { name: string | undefined; position: SourcePosition | undefined }[] {
  const calls: { name: string | undefined; position: SourcePosition | undefined }[] = [];
  walk(ast, (node) => {
    if (node.type !== 'PartialStatement' && node.type !== 'PartialBlockStatement') return;
    const name = (node as hbs.AST.PartialStatement).name;
    const position = at(node.loc?.start.line, node.loc?.start.column);
    if (name.type === 'PathExpression') {
      const original = (name as hbs.AST.PathExpression).original;
      if (original !== '@partial-block') calls.push({ name: original, position });
    } else if (name.type === 'SubExpression') calls.push({ name: undefined, position });
    else calls.push({ name: String((name as unknown as { original: unknown }).original), position });
  });
  return calls;
}

/** Visits every node of the tree, depth first. */
function walk(node: unknown, visit: (node: hbs.AST.Node, scope: string | undefined) => void, scope?: string): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit, scope);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const typed = node as hbs.AST.Node;
  if (typeof typed.type === 'string') visit(typed, scope);
  if (typed.type === 'BlockStatement') {
    const block = typed as hbs.AST.BlockStatement;
    const helper = (block.path as hbs.AST.PathExpression).original;
    walk(block.path, visit, scope);
    walk(block.params, visit, scope);
    walk(block.hash, visit, scope);
    // Inside each, with and a section, names are looked up in what the block iterates or names.
    const inner = helper === 'if' || helper === 'unless' ? scope : (scope ?? (helper === 'each' || helper === 'with' ? firstPath(block.params) : helper));
    walk(block.program, visit, inner);
    walk(block.inverse, visit, scope);
    return;
  }
  for (const [key, value] of Object.entries(node)) if (key !== 'loc' && typeof value === 'object') walk(value, visit, scope);
}

const firstPath = (params: hbs.AST.Expression[]): string | undefined =>
  params[0]?.type === 'PathExpression' ? (params[0] as hbs.AST.PathExpression).original : undefined;

/**
 * Everything wrong with a template before it is stored: a part or partial that does not
 * compile (with the line and column), an unknown helper, a partial called and not given.
 * Empty when it is fine. Field names are `html`, `text`, `subject` and `partials.<name>`.
 */
export function checkTemplate(content: TemplateContent): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const partials = content.partials ?? {};
  const sources: [SourceName, string][] = [
    ...TEMPLATE_PARTS.filter((part) => content[part] !== undefined).map((part): [SourceName, string] => [part, content[part]!]),
    ...Object.entries(partials).map(([name, source]): [SourceName, string] => [`partials.${name}`, source]),
  ];
  for (const [name, source] of sources) {
    const parsed = parse(source);
    if ('error' in parsed) {
      issues.push({ field: name, message: `does not compile (${where(parsed.position)}): ${parsed.error}` });
      continue;
    }
    try {
      engine.precompile(parsed.ast, name === 'html' ? ESCAPED : UNESCAPED);
    } catch (error) {
      const e = error as Error & { lineNumber?: number; column?: number };
      issues.push({ field: name, message: `does not compile (${where(at(e.lineNumber, e.column))}): ${plainSyntax(e.message)}` });
      continue;
    }
    for (const call of partialCalls(parsed.ast)) {
      if (call.name === undefined) issues.push({ field: name, message: `calls a partial by a computed name (${where(call.position)}); name it` });
      else if (!Object.hasOwn(partials, call.name))
        issues.push({ field: name, message: `calls partial ${call.name} (${where(call.position)}), which is not in partials` });
    }
  }
  return issues;
}

/** The partials `source` calls by name, and those they call, in the order first met. */
export function partialsCalledBy(sources: string[], available: Record<string, string>): string[] {
  const found: string[] = [];
  const queue = [...sources];
  while (queue.length > 0) {
    const parsed = parse(queue.shift()!);
    if ('error' in parsed) continue;
    for (const { name } of partialCalls(parsed.ast)) {
      if (name === undefined || found.includes(name) || !Object.hasOwn(available, name)) continue;
      found.push(name);
      queue.push(available[name]!);
    }
  }
  return found;
}

// ─── Rendering ──────────────────────────────────────────────────────────────────────────

type Delegate = HandlebarsTemplateDelegate<Record<string, unknown>>;

/** A template compiled for rendering, part by part; Handlebars compiles each on its first use and keeps it. */
export class CompiledTemplate {
  private readonly parts: Partial<Record<TemplatePart, Delegate>> = {};
  /** The partials of each kind of part: a partial escapes as the part calling it does. */
  private readonly partials: { escaped: Record<string, Delegate>; unescaped: Record<string, Delegate> };

  constructor(readonly content: TemplateContent) {
    for (const part of TEMPLATE_PARTS) {
      const source = content[part];
      if (source !== undefined) this.parts[part] = engine.compile(source, part === 'html' ? ESCAPED : UNESCAPED);
    }
    // Each partial compiled both ways (Handlebars compiles on first use, so only the ways used cost anything).
    const partials = Object.entries(content.partials ?? {});
    const compiled = (options: CompileOptions) => Object.fromEntries(partials.map(([name, source]) => [name, engine.compile(source, options)]));
    // Prototype access stays at Handlebars' default (off), which a unit test holds it to.
    this.partials = { escaped: compiled(ESCAPED), unescaped: compiled(UNESCAPED) };
  }

  /** Renders every part the template has. Throws MissingVariableError or TemplateRenderError. */
  render(variables: Record<string, unknown>): RenderedContent {
    const rendered: RenderedContent = { subject: this.renderPart('subject', variables) ?? '' };
    const html = this.renderPart('html', variables);
    const text = this.renderPart('text', variables);
    if (html !== undefined) rendered.html = html;
    if (text !== undefined) rendered.text = text;
    return rendered;
  }

  private renderPart(part: TemplatePart, variables: Record<string, unknown>): string | undefined {
    const run = this.parts[part];
    if (!run) return undefined;
    try {
      // A fresh options object per call, as Handlebars' own callers pass it.
      return run(variables, { partials: part === 'html' ? this.partials.escaped : this.partials.unescaped });
    } catch (error) {
      throw this.explain(error, part);
    }
  }

  /** The engine's error as ours: a missing variable named by its path, anything else with its source. */
  private explain(error: unknown, part: TemplatePart): Error {
    const e = error as Error & { lineNumber?: number; column?: number };
    const missing = /^"([^"]*)" not defined in /.exec(e.message ?? '');
    if (!missing) return new TemplateRenderError(part, `${(e.message ?? String(error)).replace(/ - \d+:\d+$/, '')}`, { cause: error });
    const position = at(e.lineNumber, e.column);
    // Handlebars' error has a position but not its source: the part itself or one of its
    // partials (a layout's {{> @partial-block}} runs the part's own block). The source is the
    // one with this name at this position; the part wins a tie.
    const sources: SourceName[] = [part, ...Object.keys(this.content.partials ?? {}).map((name): SourceName => `partials.${name}`)];
    for (const source of position ? sources : []) {
      const code = source.startsWith('partials.') ? this.content.partials?.[source.slice('partials.'.length)] : this.content[source as TemplatePart];
      const found = code === undefined ? undefined : pathAt(code, position!, missing[1]!);
      if (found) return new MissingVariableError(found.path, source, position, found.scope, { cause: error });
    }
    return new MissingVariableError(missing[1]!, part, position, undefined, { cause: error });
  }
}

/** The path expression starting at `position` whose last segment is `name`, and the context it is looked up in. */
function pathAt(source: string, position: SourcePosition, name: string): { path: string; scope: string | undefined } | undefined {
  const parsed = parse(source);
  if ('error' in parsed) return undefined;
  let found: { path: string; scope: string | undefined } | undefined;
  walk(parsed.ast, (node, scope) => {
    if (found || node.type !== 'PathExpression' || node.loc?.start.line !== position.line || node.loc.start.column + 1 !== position.column) return;
    const path = node as hbs.AST.PathExpression;
    if (!path.parts.includes(name)) return;
    found = { path: path.original, scope };
  });
  return found;
}
