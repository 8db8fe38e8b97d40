/**
 * The events function against SES notifications shaped like the examples in the SES
 * Developer Guide (notification contents, and event publishing to SNS), wrapped in SNS
 * Lambda events, with its tables on dynalite.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { DynamoDbSuppressionStore } from '../../functions/adapters/dynamodb-suppression-store.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { eventsDeps } from '../../functions/compose/events.js';
import { newRecord } from '../../functions/core/accept-email.js';
import type { Log } from '../../functions/core/log.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { createEventsHandler } from '../../functions/events/sns-notifications.js';
import { LOCAL_TOPIC_ARN, snsEvent } from '../../local/sns-event.js';
import { lambdaContext } from '../../local/sqs-poller.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';

type Json = Record<string, any>;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/ses/${name}`, import.meta.url), 'utf8'));

let local: LocalDynamo;
let logged: { level: string; message: string; fields: Record<string, unknown> }[];
let handler: ReturnType<typeof createEventsHandler>;
let messages: DynamoDbMessageStore;
let doc: DynamoDBDocumentClient;

const log: Log = (level, message, fields = {}) => logged.push({ level, message, fields });
const invoke = (event: SNSEvent) => handler(event, lambdaContext('posthaste-events'));
const deliver = (notification: Json) => invoke(snsEvent(JSON.stringify(notification)));
const scan = async (table: string) => (await doc.send(new ScanCommand({ TableName: local.env[table] }))).Items ?? [];

/** A message of ours, sent through SES with the notification's MessageId. */
async function sentMessage(id: string, sesMessageId?: string): Promise<void> {
  const request = parseSendRequest({
    from: 'john@example.com',
    to: ['jane@example.com', 'mary@example.com', 'richard@example.com'],
    subject: 'Hello',
    text: 'Hi',
  });
  await messages.create(newRecord(id, request, '2016-01-27T14:59:30.000Z'));
  await messages.finish(id, {
    status: 'sent',
    ...(sesMessageId ? { providerMessageId: sesMessageId } : {}),
    events: [{ type: 'sent', at: '2016-01-27T14:59:37.000Z' }],
  });
}

beforeEach(async () => {
  local = await startLocalDynamo();
  logged = [];
  handler = createEventsHandler(eventsDeps(local.env, local.aws, log), { topicArn: LOCAL_TOPIC_ARN });
  messages = new DynamoDbMessageStore(dynamoClient(local.aws), local.env.MESSAGES_TABLE!);
  doc = DynamoDBDocumentClient.from(dynamoClient(local.aws));
});

afterEach(async () => {
  await local.stop();
});

describe('identity notifications (notificationType)', () => {
  it('records a bounce with a DSN, readable attribute by attribute, from the SNS event Lambda receives', async () => {
    const event = fixture('sns-lambda-event-bounce.json') as SNSEvent;
    // The fixture's topic stands for the deployment's own SES topic.
    event.Records[0]!.Sns.TopicArn = LOCAL_TOPIC_ARN;
    const ses = JSON.parse(event.Records[0]!.Sns.Message);
    await sentMessage('msg-1', ses.mail.messageId);
    await invoke(event);

    const [record, ...more] = await scan('FEEDBACK_TABLE');
    expect(more).toHaveLength(0);
    expect(record).toEqual({
      recipient: 'jane@example.com',
      feedbackKey: '2016-01-27T14:59:38.237Z#bounce#00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000',
      // The recent-feedback index (GET /v1/bounces without a recipient): a shard, and newest-first order.
      feedbackBucket: expect.stringMatching(/^bounce#\d+$/),
      feedbackOrder: '2016-01-27T14:59:38.237Z#bounce#00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000#jane@example.com',
      type: 'bounce',
      timestamp: '2016-01-27T14:59:38.237Z',
      feedbackId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000',
      origin: 'ses',
      recordedAt: expect.any(String),
      messageId: 'msg-1',
      sesMessageId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000',
      sentAt: '2016-01-27T14:59:38.237Z',
      from: 'john@example.com',
      subject: 'Hello',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      diagnosticCode: 'smtp; 550 5.1.1 <jane@example.com>... User',
      status: '5.1.1',
      action: 'failed',
      reportingMTA: 'dns; email.example.com',
      remoteMtaIp: '127.0.2.0',
    });
    const message = await messages.get('msg-1');
    expect(message!.status).toBe('bounced');
    expect(message!.events.at(-1)).toMatchObject({
      type: 'bounced',
      recipients: ['jane@example.com'],
      response: 'smtp; 550 5.1.1 <jane@example.com>... User',
      detail: 'Permanent/General',
    });
    expect(await scan('SUPPRESSIONS_TABLE')).toEqual([
      expect.objectContaining({ address: 'jane@example.com', reason: 'bounce', origin: 'ses', messageId: 'msg-1', bounceType: 'Permanent' }),
    ]);
  });

  it('records one item per recipient of a bounce without a DSN', async () => {
    const bounce = fixture('identity-bounce-without-dsn.json');
    await sentMessage('msg-2', bounce.mail.messageId);
    await deliver(bounce);
    const records = await scan('FEEDBACK_TABLE');
    expect(records.map((r) => r.recipient).sort()).toEqual(['jane@example.com', 'richard@example.com']);
    for (const r of records) {
      expect(r).not.toHaveProperty('reportingMTA');
      expect(r).not.toHaveProperty('diagnosticCode');
    }
    expect((await scan('SUPPRESSIONS_TABLE')).map((s) => s.address).sort()).toEqual(['jane@example.com', 'richard@example.com']);
  });

  it.each(fixture('bounce-types.json') as { bounceType: string; bounceSubType: string; suppresses: boolean }[])(
    'a $bounceType/$bounceSubType bounce is recorded; suppressed: $suppresses',
    async ({ bounceType, bounceSubType, suppresses }) => {
      const bounce = fixture('identity-bounce-with-dsn.json');
      Object.assign(bounce.bounce, { bounceType, bounceSubType });
      await sentMessage('msg-3', bounce.mail.messageId);
      await deliver(bounce);
      expect(await scan('FEEDBACK_TABLE')).toEqual([expect.objectContaining({ bounceType, bounceSubType, recipient: 'jane@example.com' })]);
      expect((await scan('SUPPRESSIONS_TABLE')).length).toBe(suppresses ? 1 : 0);
      expect((await messages.get('msg-3'))!.status).toBe('bounced');
    },
  );

  it('records a complaint with its feedback report and suppresses the recipient', async () => {
    const complaint = fixture('identity-complaint-with-feedback-report.json');
    await sentMessage('msg-4', complaint.mail.messageId);
    await deliver(complaint);
    expect(await scan('FEEDBACK_TABLE')).toEqual([
      expect.objectContaining({
        recipient: 'richard@example.com',
        type: 'complaint',
        complaintFeedbackType: 'abuse',
        userAgent: 'AnyCompany Feedback Loop (V0.01)',
        arrivalDate: '2016-01-27T14:59:38.237Z',
        feedbackId: '000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000',
        messageId: 'msg-4',
      }),
    ]);
    expect(await scan('SUPPRESSIONS_TABLE')).toEqual([expect.objectContaining({ address: 'richard@example.com', reason: 'complaint' })]);
    expect((await messages.get('msg-4'))!.status).toBe('complained');
  });

  it('records a complaint without a feedback report', async () => {
    const complaint = fixture('identity-complaint-without-feedback-report.json');
    await sentMessage('msg-5', complaint.mail.messageId);
    await deliver(complaint);
    const [record] = await scan('FEEDBACK_TABLE');
    expect(record).toMatchObject({ recipient: 'richard@example.com', type: 'complaint' });
    expect(record).not.toHaveProperty('complaintFeedbackType');
    expect(record).not.toHaveProperty('userAgent');
    expect((await scan('SUPPRESSIONS_TABLE')).length).toBe(1);
  });

  it('marks a delivery, without a feedback record', async () => {
    const delivery = fixture('identity-delivery.json');
    await sentMessage('msg-6', delivery.mail.messageId);
    await deliver(delivery);
    const message = await messages.get('msg-6');
    expect(message!.status).toBe('delivered');
    expect(message!.events.at(-1)).toMatchObject({ type: 'delivered', recipients: ['jane@example.com'], response: '250 ok:  Message 64111812 accepted' });
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(0);
  });
});

describe('event publishing (eventType)', () => {
  const sesId = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

  it.each([
    ['event-bounce.json', 'bounced', 1, 1],
    ['event-complaint.json', 'complained', 1, 1],
    ['event-delivery.json', 'delivered', 0, 0],
    ['event-reject.json', 'failed', 0, 0],
  ])('%s moves the message to %s', async (name, status, feedback, suppressions) => {
    await sentMessage('msg-7', sesId);
    await deliver(fixture(name));
    expect((await messages.get('msg-7'))!.status).toBe(status);
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(feedback);
    expect(await scan('SUPPRESSIONS_TABLE')).toHaveLength(suppressions);
  });

  it('records a delivery delay as history only', async () => {
    await sentMessage('msg-8', sesId);
    await deliver(fixture('event-delivery-delay.json'));
    const message = await messages.get('msg-8');
    expect(message!.status).toBe('sent');
    expect(message!.events.at(-1)).toMatchObject({
      type: 'delayed',
      recipients: ['recipient@example.com'],
      response: 'smtp; 421 4.4.1 Unable to connect to remote host',
      detail: 'TransientCommunicationFailure',
    });
  });

  it('gives a rejected message its reason', async () => {
    await sentMessage('msg-9', sesId);
    await deliver(fixture('event-reject.json'));
    expect(await messages.get('msg-9')).toMatchObject({ status: 'failed', failureReason: 'SES rejected the message: Bad content' });
  });
});

describe('what is skipped on purpose', () => {
  it.each(['event-send.json', 'event-rendering-failure.json', 'event-subscription.json', 'identity-subscription-succeeded.json'])(
    '%s is logged and changes nothing',
    async (name) => {
      await sentMessage('msg-10', 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000');
      const before = await messages.get('msg-10');
      await expect(deliver(fixture(name))).resolves.toEqual([{ result: 'skipped', reason: expect.any(String) }]);
      expect(await messages.get('msg-10')).toEqual(before);
      expect(await scan('FEEDBACK_TABLE')).toHaveLength(0);
      expect(logged.some((l) => l.message === 'SES notification not recorded')).toBe(true);
    },
  );

  it.each([
    ['an unknown event type', JSON.stringify({ eventType: 'Teleport', mail: { messageId: 'x' }, teleport: {} })],
    ['a bounce without its bounce object', JSON.stringify({ notificationType: 'Bounce', mail: { messageId: 'x' } })],
    ['a bounce without a mail object', JSON.stringify({ ...fixture('event-bounce.json'), mail: undefined })],
    ['a JSON array', '[1,2]'],
    ['text that is not JSON', 'hello'],
  ])('%s is logged and skipped, never thrown', async (_what, message) => {
    await expect(invoke(snsEvent(message))).resolves.toEqual([{ result: 'skipped', reason: expect.any(String) }]);
    expect(logged.some((l) => l.level === 'warn' || l.level === 'info')).toBe(true);
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(0);
  });

  it('ignores fields SES adds later', async () => {
    const bounce = fixture('event-bounce.json');
    bounce.bounce.brandNewField = { nested: true };
    bounce.mail.anotherNewField = 42;
    await deliver(bounce);
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(1);
  });
});

describe('redelivery, order and matching', () => {
  it('writes nothing twice when the same notification arrives again', async () => {
    const bounce = fixture('identity-bounce-with-dsn.json');
    await sentMessage('msg-11', bounce.mail.messageId);
    await deliver(bounce);
    await deliver(bounce);
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(1);
    expect((await messages.get('msg-11'))!.events.filter((e) => e.type === 'bounced')).toHaveLength(1);
  });

  it('does not suppress again when an old notification is redelivered after the suppression was lifted', async () => {
    const bounce = fixture('identity-bounce-with-dsn.json');
    await sentMessage('msg-12', bounce.mail.messageId);
    await deliver(bounce);
    await new DynamoDbSuppressionStore(dynamoClient(local.aws), local.env.SUPPRESSIONS_TABLE!).remove('jane@example.com');
    await deliver(bounce);
    expect(await scan('SUPPRESSIONS_TABLE')).toHaveLength(0);
  });

  it('moves status forward only, whatever the order', async () => {
    const complaint = fixture('identity-complaint-with-feedback-report.json');
    const delivery = fixture('identity-delivery.json');
    await sentMessage('msg-13', complaint.mail.messageId);
    await deliver(complaint);
    await deliver(delivery);
    const message = await messages.get('msg-13');
    expect(message!.status).toBe('complained');
    // The late delivery is still history.
    expect(message!.events.map((e) => e.type)).toEqual(expect.arrayContaining(['complained', 'delivered']));
  });

  it('keeps the SES MessageId when a bounce overtakes the deliver worker', async () => {
    const bounce = fixture('event-bounce.json');
    bounce.mail.headers.push({ name: 'X-Posthaste-Id', value: 'msg-14' });
    const request = parseSendRequest({ from: 'sender@example.com', to: 'recipient@example.com', subject: 'Hi', text: 'Hi' });
    await messages.create(newRecord('msg-14', request, '2017-08-05T00:40:00.000Z'));
    await deliver(bounce);
    expect(
      await messages.finish('msg-14', {
        status: 'sent',
        accepted: ['recipient@example.com'],
        providerMessageId: bounce.mail.messageId,
        events: [{ type: 'sent', at: '2017-08-05T00:40:02.012Z' }],
      }),
    ).toMatchObject({ moved: false });
    const message = await messages.get('msg-14');
    expect(message).toMatchObject({ status: 'bounced', providerMessageId: bounce.mail.messageId, acceptedRecipients: ['recipient@example.com'] });
    expect((await scan('FEEDBACK_TABLE'))[0]).toMatchObject({ messageId: 'msg-14' });
  });

  it('records feedback for a message it cannot match, and says so', async () => {
    await deliver(fixture('event-complaint.json'));
    const [record] = await scan('FEEDBACK_TABLE');
    expect(record).toMatchObject({ recipient: 'recipient@example.com', type: 'complaint' });
    expect(record).not.toHaveProperty('messageId');
    expect(await scan('SUPPRESSIONS_TABLE')).toHaveLength(1);
    expect(logged.some((l) => l.level === 'warn' && l.message.includes('does not know'))).toBe(true);
  });

  it('throws when a table cannot be written, so Lambda retries the event', async () => {
    const broken = createEventsHandler(eventsDeps({ ...local.env, FEEDBACK_TABLE: 'no-such-table' }, local.aws, log), { topicArn: LOCAL_TOPIC_ARN });
    await expect(broken(snsEvent(JSON.stringify(fixture('event-bounce.json'))), lambdaContext('posthaste-events'))).rejects.toThrow();
  });
});

describe('recipients as SES reports them', () => {
  it.each([
    ['a valid one before an empty one', ['jane@example.com', '']],
    ['an empty one before a valid one', ['', 'jane@example.com']],
    ['a blank one and a display-name form', ['   ', 'Jane Doe <Jane@Example.com>']],
  ])('records every address and skips what is not one: %s', async (_case, addresses) => {
    const bounce = fixture('identity-bounce-without-dsn.json');
    bounce.bounce.bouncedRecipients = addresses.map((emailAddress) => ({ emailAddress }));
    await sentMessage('msg-r1', bounce.mail.messageId);
    await deliver(bounce);
    expect(await scan('FEEDBACK_TABLE')).toEqual([expect.objectContaining({ recipient: 'jane@example.com', type: 'bounce' })]);
    expect(await scan('SUPPRESSIONS_TABLE')).toEqual([expect.objectContaining({ address: 'jane@example.com', reason: 'bounce' })]);
    const message = await messages.get('msg-r1');
    expect(message!.status).toBe('bounced');
    expect(message!.events.at(-1)).toMatchObject({ type: 'bounced', recipients: ['jane@example.com'] });
    expect(logged).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('not email addresses') }));
  });

  it('a complaint naming only a non-address records nothing for it and fails nothing', async () => {
    const complaint = fixture('identity-complaint-without-feedback-report.json');
    complaint.complaint.complainedRecipients = [{ emailAddress: '' }];
    await sentMessage('msg-r2', complaint.mail.messageId);
    await expect(deliver(complaint)).resolves.toBeDefined();
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(0);
    expect(await scan('SUPPRESSIONS_TABLE')).toHaveLength(0);
  });
});

describe('not-spam reports (RFC 5965)', () => {
  it('records a not-spam complaint without suppressing the recipient or marking the message complained', async () => {
    const complaint = fixture('identity-complaint-with-feedback-report.json');
    complaint.complaint.complaintFeedbackType = 'not-spam';
    await sentMessage('msg-ns', complaint.mail.messageId);
    await deliver(complaint);
    expect(await scan('FEEDBACK_TABLE')).toEqual([
      expect.objectContaining({ recipient: 'richard@example.com', type: 'complaint', complaintFeedbackType: 'not-spam' }),
    ]);
    expect(await scan('SUPPRESSIONS_TABLE')).toHaveLength(0);
    const message = await messages.get('msg-ns');
    expect(message!.status).toBe('sent');
    expect(message!.events.at(-1)).toMatchObject({ type: 'complained', recipients: ['richard@example.com'], detail: 'not-spam' });
  });
});

describe('engagement (configuration sets with open and click tracking)', () => {
  const sesId = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

  it('records an open and a click in the history, never in the status, once each', async () => {
    await sentMessage('msg-open', sesId);
    await deliver(fixture('event-open.json'));
    await deliver(fixture('event-click.json'));
    await deliver(fixture('event-click.json'));
    const message = await messages.get('msg-open');
    expect(message!.status).toBe('sent');
    expect(message!.events.slice(-2)).toEqual([
      { type: 'opened', at: '2017-08-09T22:00:19.652Z', userAgent: expect.stringContaining('iPhone') },
      {
        type: 'clicked',
        at: '2017-08-09T23:51:25.570Z',
        link: 'http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html',
        userAgent: expect.stringContaining('Chrome'),
      },
    ]);
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(0);
  });
});

describe('where a record comes from', () => {
  it('drops a record from any topic but the SES events topic, and logs it', async () => {
    const bounce = fixture('identity-bounce-with-dsn.json');
    await sentMessage('msg-topic', bounce.mail.messageId);
    const forged = snsEvent(JSON.stringify(bounce), 'arn:aws:sns:us-east-1:999999999999:someone-elses-topic');
    await expect(invoke(forged)).resolves.toEqual([{ result: 'skipped', reason: 'not the SES events topic' }]);
    expect(await scan('FEEDBACK_TABLE')).toHaveLength(0);
    expect(await scan('SUPPRESSIONS_TABLE')).toHaveLength(0);
    expect((await messages.get('msg-topic'))!.status).toBe('sent');
    expect(logged).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('not the SES events topic') }));
    await invoke(snsEvent(JSON.stringify(bounce)));
    expect((await messages.get('msg-topic'))!.status).toBe('bounced');
  });
});
