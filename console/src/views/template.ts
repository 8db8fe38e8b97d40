/**
 * One template: its source (the latest version, or `?version=`), and a preview with sample
 * variables rendered by the API (nothing is sent), the html in the same sandboxed frame as a
 * sent message's.
 */
import { api, type RenderedTemplate, type Template } from '../api.js';
import { details, h, link, replace, time } from '../dom.js';
import { htmlFrame } from '../html-frame.js';
import { errorBox, field, filterForm, pageHeading, routeWith, type View, type ViewContext } from '../view.js';

function source(template: Template): HTMLElement {
  const partials = Object.entries(template.partials ?? {});
  return h(
    'section',
    { 'aria-labelledby': 'source-heading' },
    h('h2', { id: 'source-heading' }, 'Source'),
    details([
      ['Subject', h('code', {}, template.subject)],
      ['Description', template.description],
      ['Version made', time(template.createdAt)],
    ]),
    h('h3', {}, 'HTML'),
    template.html !== undefined ? h('pre', { class: 'text-part template-html' }, template.html) : h('p', { class: 'empty' }, 'No HTML part.'),
    h('h3', {}, 'Text'),
    template.text !== undefined
      ? h('pre', { class: 'text-part template-text' }, template.text)
      : h('p', { class: 'empty' }, 'No text part: one is made from the html.'),
    partials.length
      ? [
          h('h3', {}, 'Partials'),
          partials.map(([name, body]) => h('details', {}, h('summary', {}, h('code', {}, name)), h('pre', { class: 'text-part' }, body))),
        ]
      : null,
  );
}

function rendered(result: RenderedTemplate): HTMLElement[] {
  return [
    details([['Subject', h('span', { id: 'rendered-subject' }, result.subject)]]),
    h('h3', {}, 'HTML part'),
    result.html !== undefined
      ? htmlFrame(result.html, 'HTML part of the preview (no scripts, no remote content)')
      : h('p', { class: 'empty' }, 'No HTML part.'),
    h('h3', {}, 'Text part'),
    result.text !== undefined ? h('pre', { class: 'text-part' }, result.text) : h('p', { class: 'empty' }, 'No text part.'),
  ];
}

/** The sample variables as the API wants them: a JSON object (an empty box is `{}`). */
function readVariables(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`Sample variables are not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('Sample variables must be a JSON object, e.g. {"name": "Ann"}.');
  return parsed as Record<string, unknown>;
}

function previewForm(template: Template, context: ViewContext): HTMLElement {
  const variables = h('textarea', { name: 'variables', rows: '8', spellcheck: 'false', autocomplete: 'off', class: 'variables' });
  variables.value = '{\n  \n}';
  const errors = h('div', { id: 'preview-errors' });
  const output = h('div', { id: 'preview-output' });
  const submit = h('button', { type: 'submit' }, 'Render');
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'preview-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        replace(errors);
        try {
          const result = await api.renderTemplate(template.alias, template.version, { variables: readVariables(variables.value) });
          if (context.left) return;
          replace(output, rendered(result));
          context.announce(`Rendered: ${result.subject}`);
        } catch (error) {
          replace(output);
          replace(errors, errorBox(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'preview-heading' }, 'Preview'),
    field('Sample variables (JSON)', variables, 'an object with every value the template names; Ctrl+Enter renders. Nothing is sent.'),
    h('div', { class: 'actions' }, submit),
    errors,
    output,
  );
  variables.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  return form;
}

export const templateView: View = async (context) => {
  const alias = context.params[0]!;
  const asked = Number(context.query.get('version')) || undefined;
  const latest = await api.template(alias);
  const shown = asked && asked !== latest.version ? await api.template(alias, asked) : latest;
  if (context.left) return;
  const version = h(
    'select',
    { name: 'version' },
    Array.from({ length: latest.version }, (_, i) => latest.version - i).map((n) =>
      h('option', { value: String(n), selected: n === shown.version }, n === latest.version ? `${n} (latest)` : String(n)),
    ),
  );
  const path = `/templates/${encodeURIComponent(alias)}`;
  const versions = filterForm('Choose a version', [field('Version', version)], 'Show', () =>
    routeWith(path, { version: version.value === String(latest.version) ? undefined : version.value }),
  );
  replace(
    context.main,
    h('p', { class: 'crumbs' }, link('/templates', '← Templates')),
    pageHeading(alias, h('span', { class: 'hint' }, ` version ${shown.version}`)),
    versions,
    h('div', { class: 'columns' }, source(shown), previewForm(shown, context)),
  );
};
