import { describe, expect, it } from 'vitest';
import { classifySes } from '../../functions/core/delivery-outcome.js';
import { smtpBounce, suppresses } from '../../functions/core/feedback.js';
import { TokenBucket } from '../../functions/core/token-bucket.js';

describe('classifySes', () => {
  it.each([
    [{ name: 'Throttling', message: 'Maximum sending rate exceeded.' }, 'throttled'],
    [{ name: 'Throttling', message: 'Daily message quota exceeded.' }, 'throttled'],
    [{ name: 'SESServiceException', message: 'Maximum sending rate exceeded.' }, 'throttled'],
    [{ name: 'MessageRejected', message: 'Email address is not verified.' }, 'permanent'],
    [{ name: 'MailFromDomainNotVerifiedException', message: '' }, 'permanent'],
    [{ name: 'MailFromDomainNotVerified', message: '' }, 'permanent'],
    [{ name: 'ConfigurationSetDoesNotExistException', message: '' }, 'permanent'],
    [{ name: 'InvalidParameterValue', message: 'Missing final @domain' }, 'permanent'],
    [{ name: 'AccountSendingPausedException', message: '' }, 'temporary'],
    [{ name: 'ConfigurationSetSendingPausedException', message: '' }, 'temporary'],
    [{ name: 'InternalFailure', message: '' }, 'temporary'],
    [{ name: 'TimeoutError', message: 'socket hang up' }, 'temporary'],
  ])('%o is %s', (error, kind) => {
    expect(classifySes(error).kind).toBe(kind);
  });

  it('flags paused sending as needing an operator, and nothing else', () => {
    expect(classifySes({ name: 'AccountSendingPausedException' }).needsOperator).toBe(true);
    expect(classifySes({ name: 'ConfigurationSetSendingPaused' }).needsOperator).toBe(true);
    expect(classifySes({ name: 'Throttling' }).needsOperator).toBeUndefined();
  });

  it('keeps the code and the message for the status record', () => {
    expect(classifySes({ name: 'MessageRejected', message: 'Email address is not verified.' })).toEqual({
      kind: 'permanent',
      code: 'MessageRejected',
      response: 'MessageRejected: Email address is not verified.',
    });
  });
});

describe('suppression rule', () => {
  const base = { recipient: 'a@example.org', feedbackKey: 'k', timestamp: 't', feedbackId: 'f', origin: 'ses' as const, recordedAt: 't' };
  it('suppresses Permanent bounces and complaints only', () => {
    expect(suppresses({ ...base, type: 'bounce', bounceType: 'Permanent' })).toBe(true);
    expect(suppresses({ ...base, type: 'bounce', bounceType: 'Transient' })).toBe(false);
    expect(suppresses({ ...base, type: 'bounce', bounceType: 'Undetermined' })).toBe(false);
    expect(suppresses({ ...base, type: 'complaint' })).toBe(true);
  });

  it('reads an SMTP 5xx as a Permanent bounce with its enhanced status', () => {
    const record = smtpBounce('Nobody@Example.org', '550 5.1.1 <nobody@example.org>: User unknown', 'msg-1', 'sender@example.com', '2026-01-01T00:00:00.000Z');
    expect(record).toMatchObject({
      recipient: 'nobody@example.org',
      type: 'bounce',
      bounceType: 'Permanent',
      status: '5.1.1',
      origin: 'smtp',
      messageId: 'msg-1',
    });
    expect(suppresses(record)).toBe(true);
  });
});

describe('TokenBucket', () => {
  function clocked(rate: number) {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket(
      rate,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    return { bucket, waits, advance: (ms: number) => (now += ms) };
  }

  it('lets a burst of one second through, then spaces the rest', async () => {
    const { bucket, waits } = clocked(10);
    for (let i = 0; i < 12; i++) await bucket.take();
    expect(waits).toEqual([100, 100]);
  });

  it('makes a request larger than the burst wait instead of failing', async () => {
    const { bucket, waits } = clocked(14);
    await bucket.take(50);
    expect(waits).toEqual([Math.ceil((36 / 14) * 1000)]);
  });

  it('refills with time and follows a new rate', async () => {
    const { bucket, waits, advance } = clocked(2);
    await bucket.take(2);
    advance(1000);
    await bucket.take(2);
    expect(waits).toEqual([]);
    bucket.setRate(1);
    await bucket.take(1);
    expect(waits).toEqual([1000]);
  });
});
