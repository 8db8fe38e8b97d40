import { domainOf } from './address.js';
import { PosthasteError } from './errors.js';
import type { EmailRequest } from './send-request.js';

/**
 * Only domains the operator allows (their verified SES identities, usually) may appear in
 * `from`: an API key leak must not turn into mail from any domain. A domain allows its
 * subdomains, as an SES domain identity does. An empty list allows any sender (local use).
 */
export function checkSender(request: Pick<EmailRequest, 'from'>, allowedDomains: readonly string[]): void {
  if (allowedDomains.length === 0) return;
  const domain = domainOf(request.from.email).toLowerCase();
  const allowed = allowedDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
  if (!allowed) {
    throw new PosthasteError('sender_not_allowed', `${domain} is not one of the allowed sender domains`, [
      { field: 'from', message: `the domain must be one of: ${allowedDomains.join(', ')}` },
    ]);
  }
}

export const parseDomainList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
