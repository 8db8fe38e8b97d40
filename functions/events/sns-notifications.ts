import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { type NotificationDeps, type NotificationOutcome, recordNotification } from '../core/record-notification.js';

/**
 * SNS → the SES feedback loop. SNS hands Lambda one record per invocation; each is
 * recorded in turn. Unreadable or unknown notifications are logged and skipped inside the
 * core; only a store failure throws, and Lambda's asynchronous retries take it from there.
 */
export function createEventsHandler(deps: NotificationDeps) {
  return middy<SNSEvent, NotificationOutcome[]>().handler(async (event) => {
    const outcomes: NotificationOutcome[] = [];
    for (const record of event.Records ?? []) {
      if (record.Sns?.Type !== undefined && record.Sns.Type !== 'Notification') {
        deps.log('info', 'SNS message that is not a notification; skipped', { type: record.Sns.Type });
        continue;
      }
      outcomes.push(await recordNotification(deps, record.Sns?.Message ?? ''));
    }
    return outcomes;
  });
}
