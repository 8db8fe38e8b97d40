import { describe, expect, it } from 'vitest';
import { backoffSeconds, classifySmtp } from '../../functions/core/delivery-outcome.js';

describe('SMTP failure classification', () => {
  it.each([
    [{ responseCode: 550, code: 'EENVELOPE', response: '550 5.1.1 User unknown' }, 'permanent'],
    [{ responseCode: 554, code: 'EMESSAGE', response: '554 5.7.1 Spam' }, 'permanent'],
    [{ responseCode: 552, response: '552 mailbox full' }, 'permanent'],
    [{ responseCode: 451, code: 'EENVELOPE', response: '451 4.7.1 Greylisted' }, 'temporary'],
    [{ responseCode: 421, code: 'EMESSAGE', response: '421 closing' }, 'temporary'],
    [{ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'temporary'],
    [{ code: 'ETIMEDOUT', message: 'Timeout' }, 'temporary'],
    [{ responseCode: 535, code: 'EAUTH', response: '535 Authentication failed' }, 'temporary'],
    [{ responseCode: 500, code: 'ETLS', response: '500 command not recognized' }, 'temporary'],
  ])('%j is %s', (error, kind) => {
    expect(classifySmtp(error).kind).toBe(kind);
  });

  it('keeps the reply text and code for the status record', () => {
    expect(classifySmtp({ responseCode: 550, code: 'EENVELOPE', response: '550 5.1.1 User unknown ' })).toEqual({
      kind: 'permanent',
      responseCode: 550,
      code: 'EENVELOPE',
      response: '550 5.1.1 User unknown',
    });
  });
});

describe('retry backoff', () => {
  it('grows exponentially with jitter and stays within the cap', () => {
    expect(backoffSeconds(1, 30, 900, () => 0)).toBe(15);
    expect(backoffSeconds(1, 30, 900, () => 1)).toBe(30);
    expect(backoffSeconds(3, 30, 900, () => 1)).toBe(120);
    expect(backoffSeconds(10, 30, 900, () => 1)).toBe(900);
    expect(backoffSeconds(4, 0, 900)).toBe(0);
  });
});
