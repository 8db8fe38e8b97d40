/**
 * The SES mailbox simulator, on this machine: mail to success@, bounce@, ooto@, complaint@
 * or suppressionlist@simulator.amazonses.com (a `+label` is allowed) produces the SNS
 * notifications SES publishes for those addresses, in the shapes the SES Developer Guide
 * documents, and hands them to the events function wrapped as Lambda receives them from
 * SNS. It wraps the transport, so it runs the same with the SES stand-in and with SMTP.
 *
 * Engagement on request: `success+open@` is delivered and then opened, `success+click@` is
 * delivered, opened and its first link clicked — the Open and Click events SES publishes
 * for a configuration set with open and click tracking on (the real simulator cannot read).
 * `success+delay@` is first delayed (a DeliveryDelay event: the receiving server answered
 * 4xx for a while), then delivered.
 */
import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';
import type { Log } from '../functions/core/log.js';
import type { OutgoingMessage, Transport, TransportResult } from '../functions/core/ports.js';
import { headerList } from '../functions/core/sent-content.js';
import { snsEvent } from './sns-event.js';

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

export type Scenario = 'success' | 'bounce' | 'ooto' | 'complaint' | 'suppressionlist';
const SCENARIOS: readonly Scenario[] = ['success', 'bounce', 'ooto', 'complaint', 'suppressionlist'];

export function scenarioOf(address: string): Scenario | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== SIMULATOR_DOMAIN) return undefined;
  const local = address.slice(0, at).toLowerCase().split('+')[0]!;
  return (SCENARIOS as readonly string[]).includes(local) ? (local as Scenario) : undefined;
}

export const isSimulatorAddress = (address: string): boolean => scenarioOf(address) !== undefined;

export interface SimulatedMail {
  sesMessageId: string;
  raw: string;
  from: string;
  destination: string[];
  tags: { name: string; value: string }[];
  sentAt: Date;
}

export interface NotificationShape {
  /** `event`: configuration-set event publishing (`eventType`); `identity`: identity notifications (`notificationType`). */
  format: 'event' | 'identity';
  configurationSet?: string;
}

const ACCOUNT = '000000000000';
const feedbackId = () => `0100${Date.now().toString(16)}-${randomUUID()}-000000`;

function mailObject(mail: SimulatedMail, shape: NotificationShape) {
  const headers = headerList(mail.raw);
  const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
  const list = (name: string) => header(name)?.split(/,\s*/);
  const fromDomain = mail.from.slice(mail.from.lastIndexOf('@') + 1);
  const object: Record<string, unknown> = {
    timestamp: mail.sentAt.toISOString(),
    source: mail.from,
    sourceArn: `arn:aws:ses:us-east-1:${ACCOUNT}:identity/${fromDomain}`,
    sourceIp: '127.0.0.1',
    sendingAccountId: ACCOUNT,
    callerIdentity: 'posthaste-local',
    messageId: mail.sesMessageId,
    destination: mail.destination,
    headersTruncated: false,
    headers,
    commonHeaders: {
      from: list('From') ?? [mail.from],
      ...(list('To') ? { to: list('To') } : {}),
      ...(header('Date') ? { date: header('Date') } : {}),
      ...(header('Message-ID') ? { messageId: header('Message-ID') } : {}),
      subject: header('Subject') ?? '',
    },
  };
  if (shape.format === 'event') {
    object.tags = {
      ...(shape.configurationSet ? { 'ses:configuration-set': [shape.configurationSet] } : {}),
      'ses:source-ip': ['127.0.0.1'],
      'ses:from-domain': [fromDomain],
      'ses:caller-identity': ['posthaste-local'],
      ...Object.fromEntries(mail.tags.map((t) => [t.name, [t.value]])),
    };
  }
  return object;
}

function delivery(recipient: string, at: Date, mail: SimulatedMail) {
  return {
    type: 'Delivery',
    field: 'delivery',
    body: {
      timestamp: at.toISOString(),
      processingTimeMillis: at.getTime() - mail.sentAt.getTime(),
      recipients: [recipient],
      smtpResponse: '250 2.6.0 Message received',
      remoteMtaIp: '127.0.0.1',
      reportingMTA: 'a8-70.smtp-out.amazonses.com',
    },
  };
}

/** The notifications SES publishes for one simulator recipient, in the order it publishes them. */
/** The `+label` of a simulator address, lower-cased. */
const labelOf = (address: string): string | undefined => address.slice(0, address.lastIndexOf('@')).toLowerCase().split('+')[1];

/** What the reader does with a delivered simulator message: `+open` and `+click` labels ask for it. */
export function engagementOf(address: string): 'open' | 'click' | undefined {
  const label = labelOf(address);
  return label === 'open' || label === 'click' ? label : undefined;
}

const READER = 'Mozilla/5.0 (Posthaste mailbox simulator)';

function engagement(recipient: string, at: Date, mail: SimulatedMail) {
  const wanted = engagementOf(recipient);
  if (!wanted) return [];
  const open = { type: 'Open', field: 'open', body: { timestamp: at.toISOString(), userAgent: READER, ipAddress: '127.0.0.1' }, eventOnly: true };
  if (wanted === 'open') return [open];
  const link = /href="(https?:\/\/[^"]+)"/i.exec(mail.raw)?.[1] ?? /https?:\/\/[^\s"<>]+/.exec(mail.raw)?.[0] ?? 'https://example.com/';
  const clickAt = new Date(at.getTime() + 1);
  return [
    open,
    { type: 'Click', field: 'click', body: { timestamp: clickAt.toISOString(), link, userAgent: READER, ipAddress: '127.0.0.1' }, eventOnly: true },
  ];
}

/** `+delay`: the DeliveryDelay event SES publishes while the receiving server defers the message. */
function deliveryDelay(recipient: string, at: Date) {
  if (labelOf(recipient) !== 'delay') return [];
  const delayedAt = new Date(at.getTime() - 1);
  return [
    {
      type: 'DeliveryDelay',
      field: 'deliveryDelay',
      body: {
        timestamp: delayedAt.toISOString(),
        delayType: 'TransientCommunicationFailure',
        expirationTime: new Date(at.getTime() + 24 * 3600_000).toISOString(),
        delayedRecipients: [{ emailAddress: recipient, status: '4.4.1', diagnosticCode: 'smtp; 421 4.4.1 Unable to connect to remote host' }],
      },
      eventOnly: true,
    },
  ];
}

function scenarioNotifications(scenario: Scenario, recipient: string, mail: SimulatedMail, at: Date) {
  switch (scenario) {
    case 'success':
      return [...deliveryDelay(recipient, at), delivery(recipient, at, mail), ...engagement(recipient, at, mail)];
    case 'ooto':
      // The out-of-office reply goes to the sender's mailbox; what is published is a delivery.
      return [delivery(recipient, at, mail)];
    case 'bounce':
      return [
        {
          type: 'Bounce',
          field: 'bounce',
          body: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
            timestamp: at.toISOString(),
            feedbackId: feedbackId(),
            remoteMtaIp: '127.0.0.1',
            reportingMTA: 'dsn; a8-70.smtp-out.amazonses.com',
          },
        },
      ];
    case 'suppressionlist':
      return [
        {
          type: 'Bounce',
          field: 'bounce',
          body: {
            bounceType: 'Permanent',
            bounceSubType: 'Suppressed',
            bouncedRecipients: [
              {
                emailAddress: recipient,
                action: 'failed',
                status: '5.1.1',
                diagnosticCode: 'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
              },
            ],
            timestamp: at.toISOString(),
            feedbackId: feedbackId(),
            reportingMTA: 'dns; amazonses.com',
          },
        },
      ];
    case 'complaint':
      return [
        delivery(recipient, at, mail),
        {
          type: 'Complaint',
          field: 'complaint',
          body: {
            complainedRecipients: [{ emailAddress: recipient }],
            timestamp: at.toISOString(),
            feedbackId: feedbackId(),
            complaintSubType: null,
            userAgent: 'Amazon SES Mailbox Simulator',
            complaintFeedbackType: 'abuse',
            arrivalDate: at.toISOString(),
          },
        },
      ];
  }
}

/** Every notification SES would publish for the simulator recipients of one sent message. */
export function simulatedNotifications(mail: SimulatedMail, shape: NotificationShape, now: Date = new Date()): Record<string, unknown>[] {
  const common = mailObject(mail, shape);
  return mail.destination.flatMap((recipient) => {
    const scenario = scenarioOf(recipient);
    if (!scenario) return [];
    return scenarioNotifications(scenario, recipient, mail, now).map((n) => ({
      // Opens and clicks exist only as configuration-set events, whatever the shape of the rest.
      [shape.format === 'event' || ('eventOnly' in n && n.eventOnly) ? 'eventType' : 'notificationType']: n.type,
      [n.field]: n.body,
      mail: common,
    }));
  });
}

export interface MailboxSimulatorOptions extends NotificationShape {
  /** The events function, as SNS would invoke it. */
  deliver: (event: SNSEvent) => Promise<unknown>;
  log: Log;
  /** SES publishes some time after accepting; notifications may overtake the status write. */
  delayMs?: number;
}

export interface MailboxSimulator {
  /** Wraps a transport: simulator recipients it accepted get their notifications. */
  wrap(transport: Transport): Transport;
  /** Resolves when every scheduled notification has been handled. */
  settled(): Promise<void>;
  /** Notifications published so far. */
  readonly published: number;
}

export function createMailboxSimulator(options: MailboxSimulatorOptions): MailboxSimulator {
  const pending = new Set<Promise<void>>();
  let published = 0;

  function publish(message: OutgoingMessage, result: TransportResult): void {
    const accepted = new Set(result.accepted.map((r) => r.toLowerCase()));
    const destination = message.envelope.to.filter((r) => accepted.has(r.toLowerCase()) && isSimulatorAddress(r));
    if (destination.length === 0) return;
    const mail: SimulatedMail = {
      // SMTP relays give no SES id: the notification is then matched by the X-Posthaste-Id header.
      sesMessageId: result.providerMessageId ?? `0100${Date.now().toString(16)}-${randomUUID()}-000000`,
      raw: message.raw,
      from: message.envelope.from,
      destination,
      tags: message.tags,
      sentAt: new Date(),
    };
    const job = (async () => {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
      for (const notification of simulatedNotifications(mail, options)) {
        published++;
        try {
          await options.deliver(snsEvent(JSON.stringify(notification)));
        } catch (error) {
          options.log('error', 'the events function failed on a simulated notification', { error: String(error) });
        }
      }
    })();
    pending.add(job);
    void job.finally(() => pending.delete(job));
  }

  return {
    wrap(transport) {
      return {
        name: transport.name,
        async send(message) {
          const result = await transport.send(message);
          publish(message, result);
          return result;
        },
      };
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    get published() {
      return published;
    },
  };
}
