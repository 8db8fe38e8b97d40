import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';

export const LOCAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:posthaste-ses-events';

/** One SNS message as Lambda hands it to a subscribed function. */
export function snsEvent(message: string, topicArn = LOCAL_TOPIC_ARN): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: 'Amazon SES Email Event Notification',
          Message: message,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/local.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}
