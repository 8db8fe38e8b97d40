/**
 * `posthaste templates push|pull|render`: templates kept in git (cli/template-folder.ts),
 * stored through the API, rendered offline from a folder with the same engine the API
 * uses, or by the API from what it stores.
 *
 * The folder code and the engine (Handlebars, zod) are imported inside the commands that use
 * them: the program registers these commands on every run, and the others start without them.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type Posthaste, PosthasteApiError, type ProblemDocument, type RenderedTemplate } from '../client/index.js';
import { PosthasteError, toProblem } from '../functions/core/errors.js';
import type { TemplateContent } from '../functions/core/records.js';
import { table, UsageError } from './output.js';

export interface CommandContext {
  client: (command: Command) => Posthaste;
  print: (command: Command, value: unknown, text: () => string) => void;
}

const isNotFound = (error: unknown) => error instanceof PosthasteApiError && error.status === 404;

function readVariables(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${file}: must hold a JSON object of variables`);
  return value as Record<string, unknown>;
}

/** A local rendering, refused the way the API refuses it. */
async function renderOffline(dir: string, alias: string, variables: Record<string, unknown> | undefined, autoText: boolean): Promise<RenderedTemplate> {
  const [{ readTemplateFolder }, { checkTemplate }, { renderTemplate }, { TemplateCache }] = await Promise.all([
    import('./template-folder.js'),
    import('../functions/core/template-engine.js'),
    import('../functions/core/render-template.js'),
    import('../functions/core/template-cache.js'),
  ]);
  const found = readTemplateFolder(dir).find((t) => t.alias === alias);
  if (!found) throw new UsageError(`${dir} has no template ${alias}`);
  const issues = checkTemplate(found.content);
  try {
    if (issues.length > 0) throw new PosthasteError('validation_failed', `${issues[0]!.field}: ${issues[0]!.message}`, issues);
    const template = { alias, version: 0, createdAt: new Date().toISOString(), ...found.content };
    const rendered = await renderTemplate(new TemplateCache(), template, variables ?? found.sample ?? {}, { autoText, fields: { variables: 'variables' } });
    return { alias, version: 0, ...rendered };
  } catch (error) {
    if (error instanceof PosthasteError) throw new PosthasteApiError(error.status, toProblem(error) as unknown as ProblemDocument);
    throw error;
  }
}

const showRendering = (r: RenderedTemplate) =>
  [`subject  ${r.subject}`, ...(r.text !== undefined ? ['', '--- text ---', r.text] : []), ...(r.html !== undefined ? ['', '--- html ---', r.html] : [])].join(
    '\n',
  );

type PushResult = { alias: string; version: number; result: 'created' | 'updated' | 'unchanged' };

async function pushOne(client: Posthaste, alias: string, content: TemplateContent): Promise<PushResult> {
  const current = await client.templates.get(alias).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (!current) return { ...(await client.templates.create({ alias, ...content })), result: 'created' };
  const { sameContent } = await import('./template-folder.js');
  if (sameContent(current, content)) return { alias, version: current.version, result: 'unchanged' };
  return { ...(await client.templates.update(alias, content)), result: 'updated' };
}

/** Adds `templates push|pull|render` to the program (as `.command()`, so they share its output and exit handling). */
export function addTemplateCommands(program: Command, context: CommandContext): void {
  const templates = program.command('templates').description('templates kept in git: push a folder, pull it back, render one');

  templates
    .command('push')
    .description('store every template of a folder: new ones are created, changed ones get a new version, the rest stay as they are')
    .argument('<dir>', 'a folder with one folder per alias (subject, html, text files) and optional partials/')
    .action(async (dir: string, _opts, command: Command) => {
      const { readTemplateFolder } = await import('./template-folder.js');
      const local = readTemplateFolder(dir);
      if (local.length === 0) throw new UsageError(`${dir} holds no template folders`);
      const client = context.client(command);
      const results: PushResult[] = [];
      for (const { alias, content } of local) results.push(await pushOne(client, alias, content));
      context.print(command, results, () =>
        table(
          ['alias', 'version', 'result'],
          results.map((r) => [r.alias, r.version, r.result]),
        ),
      );
    });

  templates
    .command('pull')
    .description('write the latest version of every stored template into a folder (the layout push reads)')
    .argument('<dir>', 'the folder to write')
    .action(async (dir: string, _opts, command: Command) => {
      const { writeTemplateFolder } = await import('./template-folder.js');
      const client = context.client(command);
      const pulled: { alias: string; version: number; content: TemplateContent }[] = [];
      for await (const summary of client.templates.all()) {
        const { alias, version, createdAt: _at, ...content } = await client.templates.get(summary.alias);
        pulled.push({ alias, version, content });
      }
      writeTemplateFolder(dir, pulled);
      context.print(
        command,
        pulled.map(({ alias, version }) => ({ alias, version })),
        () => `wrote ${pulled.length} template(s) to ${dir}${pulled.length ? `: ${pulled.map((t) => `${t.alias} v${t.version}`).join(', ')}` : ''}`,
      );
    });

  templates
    .command('render')
    .description('render a template with variables, as a send would (offline with --dir); nothing is sent')
    .argument('<alias>')
    .option('--vars <file>', "a JSON object of variables (default with --dir: the template's sample.json)")
    .option('--dir <dir>', 'render from this folder, without the API')
    .option('--version <n>', 'a stored version (default: the latest)', (v) => Number(v))
    .option('--no-auto-text', 'do not make a text part from the html')
    .action(async (alias: string, opts: { vars?: string; dir?: string; version?: number; autoText: boolean }, command: Command) => {
      const variables = opts.vars ? readVariables(opts.vars) : undefined;
      if (opts.dir && opts.version !== undefined) throw new UsageError('--version names a stored version; a folder has only its current sources');
      const rendered = opts.dir
        ? await renderOffline(opts.dir, alias, variables, opts.autoText)
        : await context
            .client(command)
            .templates.render(alias, { ...(variables ? { variables } : {}), autoText: opts.autoText }, opts.version ? { version: opts.version } : {});
      context.print(command, rendered, () => showRendering(rendered));
    });
}
