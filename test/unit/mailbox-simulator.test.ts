import { describe, expect, it } from 'vitest';
import { buildMime } from '../../functions/core/mime.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { parseSesNotification } from '../../functions/core/ses-notification.js';
import { type SimulatedMail, scenarioOf, simulatedNotifications } from '../../local/mailbox-simulator.js';

const request = parseSendRequest({
  from: 'sender@example.com',
  to: ['bounce+x@simulator.amazonses.com', 'complaint@simulator.amazonses.com', 'friend@example.org'],
  subject: 'Hi',
  text: 'Hi',
  tags: [{ name: 'campaign', value: 'c1' }],
});
const built = buildMime(request, { id: 'msg-1' });
const mail: SimulatedMail = {
  sesMessageId: '0100-abc-000000',
  raw: built.raw,
  from: built.envelope.from,
  destination: built.envelope.to,
  tags: request.tags,
  sentAt: new Date('2026-01-01T00:00:00Z'),
};

describe('mailbox simulator', () => {
  it('knows the simulator addresses, with or without a label', () => {
    expect(scenarioOf('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(scenarioOf('OOTO+monday@Simulator.AmazonSES.com')).toBe('ooto');
    expect(scenarioOf('suppressionlist@simulator.amazonses.com')).toBe('suppressionlist');
    expect(scenarioOf('bounce@example.com')).toBeUndefined();
    expect(scenarioOf('nobody@simulator.amazonses.com')).toBeUndefined();
  });

  it.each(['event', 'identity'] as const)('publishes %s notifications that the events parser reads, with our id in the headers', (format) => {
    const notifications = simulatedNotifications(mail, { format, configurationSet: 'posthaste-local' });
    const parsed = notifications.map((n) => parseSesNotification(n));
    expect(parsed.map((p) => (p.outcome === 'notification' ? p.notification.type : p.outcome))).toEqual(['Bounce', 'Delivery', 'Complaint']);
    for (const p of parsed) {
      if (p.outcome !== 'notification') throw new Error('expected a notification');
      expect(p.notification.format).toBe(format);
      expect(p.notification.mail).toMatchObject({ sesMessageId: '0100-abc-000000', posthasteId: 'msg-1', from: 'sender@example.com', subject: 'Hi' });
    }
    const tags = (notifications[0]!.mail as { tags?: Record<string, string[]> }).tags;
    if (format === 'event') expect(tags).toMatchObject({ 'ses:configuration-set': ['posthaste-local'], campaign: ['c1'] });
    else expect(tags).toBeUndefined();
  });

  it('reports a suppression-list bounce as Permanent/Suppressed, without a DSN diagnostic', () => {
    const [n] = simulatedNotifications({ ...mail, destination: ['suppressionlist@simulator.amazonses.com'] }, { format: 'identity' });
    const parsed = parseSesNotification(n);
    expect(parsed.outcome === 'notification' && parsed.notification.body).toMatchObject({
      kind: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'Suppressed',
    });
  });
});
