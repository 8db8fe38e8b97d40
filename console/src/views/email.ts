/**
 * One message: what it is, its whole history (each event with the relay's or SES's words),
 * each recipient's bounces and suppression, and what was sent — the HTML part in a
 * sandboxed frame that runs no script and loads nothing, the text part, the MIME headers.
 */
import { ApiError, api, type Email, type EmailContent, emailContent, SETTLED } from '../api.js';
import { badge, details, h, link, replace, table, time } from '../dom.js';
import { htmlFrame } from '../html-frame.js';
import { confirmButton, errorBox, pageHeading, type View, type ViewContext } from '../view.js';

const LIVE_MS = 2000;

function timeline(email: Email): HTMLElement {
  return h(
    'ol',
    { class: 'timeline', 'aria-label': 'Status timeline' },
    email.events.map((event) =>
      h(
        'li',
        { class: `event event-${event.type}` },
        h('div', { class: 'event-head' }, badge(event.type), ' ', time(event.at)),
        event.recipients?.length ? h('div', { class: 'event-recipients' }, event.recipients.join(', ')) : null,
        event.response ? h('pre', { class: 'response' }, event.response) : null,
        event.detail ? h('div', { class: 'event-detail' }, event.detail) : null,
        event.link ? h('div', {}, 'Link: ', h('code', {}, event.link)) : null,
        event.userAgent ? h('div', { class: 'hint' }, event.userAgent) : null,
      ),
    ),
  );
}

function summary(email: Email): HTMLElement {
  return details([
    ['Id', h('code', {}, email.id)],
    ['From', email.from],
    ['To', email.to.join(', ')],
    ['Cc', email.cc.join(', ')],
    ['Bcc', email.bcc.join(', ')],
    ['Created', time(email.createdAt)],
    ['Updated', time(email.updatedAt)],
    ['Scheduled for', time(email.scheduledAt)],
    ['Attempts', String(email.attempts)],
    ['Relay response', email.relayResponse ? h('code', {}, email.relayResponse) : undefined],
    ['Provider message id', email.providerMessageId ? h('code', {}, email.providerMessageId) : undefined],
    ['Failure', email.failureReason],
    ['Tags', email.tags.map((tag) => h('span', { class: 'tag' }, `${tag.name}:${tag.value}`))],
  ]);
}

/** Recipients that a bounce, complaint or refusal names: only theirs are looked up. */
function troubled(email: Email): Set<string> {
  const everyone = [...email.to, ...email.cc, ...email.bcc];
  const named = new Set<string>();
  for (const event of email.events) {
    if (!['bounced', 'complained', 'recipient_rejected', 'suppressed'].includes(event.type)) continue;
    for (const r of event.recipients?.length ? event.recipients : everyone) named.add(r.toLowerCase());
  }
  return named;
}

const bare = (address: string) => (/<([^>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();

async function recipients(email: Email, context: ViewContext): Promise<HTMLElement> {
  const kinds: [string, string][] = [
    ...email.to.map((a) => [bare(a), 'to'] as [string, string]),
    ...email.cc.map((a) => [bare(a), 'cc'] as [string, string]),
    ...email.bcc.map((a) => [bare(a), 'bcc'] as [string, string]),
  ];
  const named = troubled(email);
  const rows = await Promise.all(
    kinds.slice(0, 50).map(async ([address, kind]) => {
      const [suppression, bounces] = await Promise.all([
        api.suppression(address).catch((error) => (error instanceof ApiError && error.status === 404 ? undefined : Promise.reject(error))),
        named.has(address) ? api.bounces({ recipient: address, limit: 20 }).then((page) => page.data.filter((b) => b.messageId === email.id)) : [],
      ]);
      return [
        address,
        kind,
        bounces.length
          ? bounces.map((b) =>
              h(
                'div',
                { class: 'feedback' },
                badge(b.type),
                ' ',
                [b.bounceType, b.bounceSubType, b.complaintFeedbackType].filter(Boolean).join(' / '),
                b.diagnosticCode ? h('pre', { class: 'response' }, b.diagnosticCode) : null,
              ),
            )
          : '',
        suppression
          ? h(
              'span',
              { class: 'suppressed' },
              badge('suppressed'),
              ` ${suppression.reason} since `,
              time(suppression.createdAt),
              ' ',
              confirmButton('Remove', `Send to ${address} again?`, async () => {
                await api.removeSuppression(address);
                context.announce(`${address} is no longer suppressed.`);
                context.reload();
              }),
            )
          : 'not suppressed',
      ];
    }),
  );
  return table('Recipients', ['Address', 'Kind', 'Bounces and complaints', 'Suppression'], rows);
}

function contentParts(content: EmailContent | undefined, email: Email): (HTMLElement | null)[] {
  if (!content) {
    const why = SETTLED.has(email.status) || email.status === 'sent' ? 'The API kept no content for this message.' : 'Shown once the message has been sent.';
    return [h('p', { class: 'empty' }, why)];
  }
  return [
    h('h3', {}, 'HTML part'),
    content.html ? htmlFrame(content.html, 'HTML part of the message (no scripts, no remote content)') : h('p', { class: 'empty' }, 'No HTML part.'),
    h('h3', {}, 'Text part'),
    content.text !== undefined ? h('pre', { class: 'text-part' }, content.text) : h('p', { class: 'empty' }, 'No text part.'),
    content.truncated ? h('p', { class: 'hint' }, 'A part was longer than a million characters: only its start was kept.') : null,
    h('h3', {}, 'Attachments'),
    table(
      'Attachments',
      ['File', 'Type', 'Size', 'Inline as'],
      content.attachments.map((a) => [
        a.filename,
        h('code', {}, a.contentType),
        `${a.bytes.toLocaleString()} bytes`,
        a.contentId ? h('code', {}, `cid:${a.contentId}`) : '',
      ]),
      'No attachment.',
    ),
    h('h3', {}, 'Headers'),
    table(
      'MIME headers as sent',
      ['Name', 'Value'],
      content.headers.map((header) => [h('code', {}, header.name), header.value]),
    ),
  ];
}

const loadContent = (emailId: string) =>
  emailContent(emailId).catch((error) => (error instanceof ApiError && (error.status === 404 || error.status === 405) ? undefined : Promise.reject(error)));

export const emailView: View = async (context) => {
  const emailId = context.params[0]!;
  let email = await api.email(emailId);
  const [recipientTable, firstContent] = await Promise.all([recipients(email, context), loadContent(emailId)]);
  let content = firstContent;
  if (context.left) return;
  const heading = pageHeading(email.subject || '(no subject)', ' ', badge(email.status));
  const summaryBox = h('section', { 'aria-labelledby': 'summary-heading' }, h('h2', { id: 'summary-heading' }, 'Summary'), summary(email));
  const history = h('section', { 'aria-labelledby': 'timeline-heading' }, h('h2', { id: 'timeline-heading' }, 'Timeline'), timeline(email));
  const people = h('section', { 'aria-labelledby': 'recipients-heading' }, h('h2', { id: 'recipients-heading' }, 'Recipients'), recipientTable);
  const sent = h('section', { 'aria-labelledby': 'content-heading' }, h('h2', { id: 'content-heading' }, 'Content'), contentParts(content, email));
  replace(
    context.main,
    h('p', { class: 'crumbs' }, link('/emails', '← Email log')),
    heading,
    h('div', { class: 'columns' }, summaryBox, history),
    people,
    sent,
  );

  if (SETTLED.has(email.status)) return;
  const stop = context.every(LIVE_MS, async () => {
    const next = await api.email(emailId);
    // The whole record is compared: the store may change the status and the history in two writes with one updatedAt.
    if (context.left || JSON.stringify(next) === JSON.stringify(email)) return;
    const statusMoved = next.status !== email.status;
    email = next;
    replace(heading, email.subject || '(no subject)', ' ', badge(email.status));
    replace(summaryBox, h('h2', { id: 'summary-heading' }, 'Summary'), summary(email));
    replace(history, h('h2', { id: 'timeline-heading' }, 'Timeline'), timeline(email));
    if (statusMoved) context.announce(`Status: ${email.status}`);
    if (SETTLED.has(email.status)) stop();
    try {
      const [again, kept] = await Promise.all([recipients(email, context), statusMoved && !content ? loadContent(emailId) : Promise.resolve(content)]);
      if (context.left) return;
      replace(people, h('h2', { id: 'recipients-heading' }, 'Recipients'), again);
      if (kept !== content) {
        content = kept;
        replace(sent, h('h2', { id: 'content-heading' }, 'Content'), contentParts(content, email));
      }
    } catch (error) {
      people.append(errorBox(error));
    }
  });
};
