/** Stored templates: one row per alias, as its latest version. */
import { api } from '../api.js';
import { h, link, table, time } from '../dom.js';
import { pagedList, pageHeading, type View } from '../view.js';

export const templatesView: View = async (context) => {
  const list = h('div', { id: 'template-list' });
  await pagedList(
    list,
    (cursor) => api.templates({ limit: 50, cursor }),
    (templates) =>
      table(
        'Templates',
        ['Alias', 'Version', 'Subject', 'Description', 'Updated'],
        templates.map((t) => [
          link(`/templates/${encodeURIComponent(t.alias)}`, t.alias),
          String(t.version),
          h('code', {}, t.subject),
          t.description ?? '',
          time(t.createdAt),
        ]),
        'No template yet. Add one with POST /v1/templates or `npx posthaste templates push`.',
      ),
  );
  if (context.left) return;
  context.main.replaceChildren(
    pageHeading('Templates'),
    h('p', { class: 'hint' }, 'Preview a template with sample variables from its page; nothing is sent.'),
    list,
  );
};
