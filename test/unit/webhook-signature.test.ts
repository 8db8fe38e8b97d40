/** Signatures checked by the reference verifiers themselves, not by our own code. */

import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../../client/index.js';
import { newWebhookSecret } from '../../functions/adapters/webhook-secret.js';
import { signedHeaders } from '../../functions/adapters/webhook-signature.js';

const body = JSON.stringify({ type: 'email.sent', createdAt: '2026-12-01T10:00:00.000Z', data: { id: 'msg-1' } });

describe('webhook signatures', () => {
  it('verify with the standardwebhooks library', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const headers = signedHeaders('evt_1', new Date(), body, [secret]);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('carry both signatures during a rotation: either secret verifies', () => {
    const [next, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signedHeaders('evt_2', new Date(), body, [next, previous]);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(next).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('fail on a changed body or id', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders('evt_3', new Date(), body, [secret]);
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_4' })).toThrow();
  });

  it('verify with svix under svix-* names', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders('evt_5', new Date(), body, [secret], 'svix');
    expect(Object.keys(headers).sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp']);
    expect(() => new SvixWebhook(secret).verify(body, headers)).not.toThrow();
    expect(() => new SvixWebhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it("verify with the client's verifyWebhook, from a plain header object or a Fetch Headers", () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders('evt_6', new Date(), body, [secret]);
    expect(
      verifyWebhook(
        body,
        { 'Webhook-Id': headers['webhook-id'], 'Webhook-Timestamp': headers['webhook-timestamp'], 'Webhook-Signature': headers['webhook-signature'] },
        secret,
      ),
    ).toMatchObject({ type: 'email.sent' });
    expect(verifyWebhook(new TextEncoder().encode(body), new Headers(headers), secret)).toMatchObject({ data: { id: 'msg-1' } });
    expect(() => verifyWebhook(body, headers, newWebhookSecret())).toThrow(WebhookVerificationError);
    const old = signedHeaders('evt_7', new Date(Date.now() - 10 * 60_000), body, [secret]);
    expect(() => verifyWebhook(body, old, secret)).toThrow(/timestamp/i);
  });
});
