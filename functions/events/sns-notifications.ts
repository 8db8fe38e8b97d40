import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { type NotificationDeps, type NotificationOutcome, recordNotification } from '../core/record-notification.js';

/**
 * SNS → the SES feedback loop. SNS hands Lambda one record per invocation; each is
 * recorded in turn. Unreadable or unknown notifications are logged and skipped inside the
 * core; only a store failure throws, and Lambda's asynchronous retries take it from there.
 */
export function createEventsHandler(deps: NotificationDeps, source: { topicArn: string }) {
  return middy<SNSEvent, NotificationOutcome[]>().handler(async (event) => {
    const outcomes: NotificationOutcome[] = [];
    for (const record of event.Records ?? []) {
      // Defence in depth behind the topic policy: only our SES topic speaks for SES.
      if (record.Sns?.TopicArn !== source.topicArn) {
        deps.log('warn', 'SNS record from a topic that is not the SES events topic; dropped', { topicArn: String(record.Sns?.TopicArn).slice(0, 256) });
        outcomes.push({ result: 'skipped', reason: 'not the SES events topic' });
        continue;
      }
      if (record.Sns?.Type !== undefined && record.Sns.Type !== 'Notification') {
        deps.log('info', 'SNS message that is not a notification; skipped', { type: record.Sns.Type });
        continue;
      }
      outcomes.push(await recordNotification(deps, record.Sns?.Message ?? ''));
    }
    return outcomes;
  });
}
