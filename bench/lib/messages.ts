/** The messages every section works on, validated as the API validates them. */
import { randomBytes } from 'node:crypto';
import { type EmailRequest, parseSendRequest, type SendRequestInput } from '../../functions/core/send-request.js';

/** A password-reset style message: what most transactional traffic looks like. */
export const TRANSACTIONAL: SendRequestInput = {
  from: 'Acme Accounts <accounts@acme.example>',
  to: 'Jordan Reader <jordan@example.com>',
  subject: 'Reset your password',
  text: 'Someone asked to reset the password of your Acme account.\n\nOpen https://acme.example/reset/4f1a9c2e to choose a new one. The link works for 30 minutes.\n\nIf it was not you, ignore this message.',
  html: '<p>Someone asked to reset the password of your Acme account.</p><p><a href="https://acme.example/reset/4f1a9c2e">Choose a new password</a>. The link works for 30 minutes.</p><p>If it was not you, ignore this message.</p>',
  tags: [{ name: 'kind', value: 'password-reset' }],
};

/** Text-only, ASCII. */
export const SMALL: SendRequestInput = {
  from: 'alerts@acme.example',
  to: 'ops@example.com',
  subject: 'Disk usage above 80%',
  text: 'Volume /data on db-1 is at 83%.',
};

/** 100 KB of random bytes, fixed per run so both builders encode the same data. */
export const ATTACHMENT_BYTES = randomBytes(100 * 1024);

/** text + html + a 100 KB attachment; non-ASCII subject, display names and filename. */
export const LARGE: SendRequestInput = {
  from: { name: 'Zoë Ångström', email: 'zoe@acme.example' },
  to: [
    { name: 'Jürgen Müller', email: 'juergen@example.com' },
    { name: '山田 太郎', email: 'taro@example.jp' },
  ],
  subject: 'Ihre Rechnung für März — 請求書 №42',
  text: 'Grüße!\n\nIm Anhang finden Sie die Rechnung für März.\n\n'.repeat(20),
  html: `<h1>Grüße!</h1>${'<p>Im Anhang finden Sie die <b>Rechnung</b> für März. 請求書を添付します。</p>'.repeat(40)}`,
  attachments: [{ filename: 'Rechnung März №42.pdf', content: ATTACHMENT_BYTES.toString('base64'), contentType: 'application/pdf' }],
};

export const request = (input: SendRequestInput): EmailRequest => parseSendRequest(structuredClone(input));
