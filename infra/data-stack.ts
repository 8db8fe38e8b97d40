import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { TableName } from '../functions/adapters/tables.js';
import type { PosthasteConfig } from './config.js';
import { SesSending } from './constructs/ses-sending.js';
import { PosthasteTables } from './constructs/tables.js';

/** The send queue's redrive limit: the deliver function's last attempt is the 5th receive. */
export const MAX_RECEIVE_COUNT = 5;
/** The deliver function's timeout; the queue's visibility timeout is derived from it. */
export const DELIVER_TIMEOUT = Duration.seconds(60);
/** AWS's guidance for Lambda event sources: visibility ≥ 6× the function timeout. */
export const SEND_QUEUE_VISIBILITY = Duration.seconds(DELIVER_TIMEOUT.toSeconds() * 6);
/** The dispatcher's timeout: ten concurrent posts of at most 10 s each, with room to record them. */
export const DISPATCHER_TIMEOUT = Duration.seconds(60);
/**
 * The webhook queue's redrive limit. A delivery takes one receive per attempt (8 on the
 * deployed schedule) and the fan-out one more; the rest is headroom for our own failures
 * (a throttled table), so only a message that keeps failing on our side reaches the DLQ.
 */
export const WEBHOOK_MAX_RECEIVE_COUNT = 20;
const DLQ_RETENTION = Duration.days(14);
/** Payload objects outlive every queue message that can point at them (DLQ retention + a day to redrive). */
const PAYLOAD_EXPIRY = Duration.days(DLQ_RETENTION.toDays() + 1);
/** Scheduled requests wait up to 30 days for their time, then travel like any payload. */
const SCHEDULED_EXPIRY = Duration.days(30 + PAYLOAD_EXPIRY.toDays());

/**
 * The payload bucket's name, known to both stacks without a cross-stack reference so the
 * functions' object grants name it exactly. Account and region make it unique.
 */
export const payloadBucketName = (stackPrefix: string): string => `${stackPrefix.toLowerCase()}-payloads-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

export interface DataStackProps extends StackProps {
  config: PosthasteConfig;
}

/**
 * Everything that holds data: the tables, the send and webhook queues and their DLQs, the payload bucket
 * for large-message claim checks, the SES events topic and the SES configuration set.
 * Kept on stack deletion unless the `removalPolicy` context says `destroy`.
 */
export class DataStack extends Stack {
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly sendQueue: sqs.Queue;
  readonly sendDlq: sqs.Queue;
  /** Where SNS parks SES events the events function failed to process. */
  readonly eventsDlq: sqs.Queue;
  /** Webhook events to fan out and deliveries waiting for their next attempt (the wait is the message's visibility). */
  readonly webhookQueue: sqs.Queue;
  readonly webhookDlq: sqs.Queue;
  readonly payloadBucket: s3.Bucket;
  readonly sesEventsTopic: sns.Topic;
  readonly ses: SesSending;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.tables = new PosthasteTables(this, 'Tables', { removalPolicy }).tables;

    this.sendDlq = new sqs.Queue(this, 'SendDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      removalPolicy,
    });
    this.sendQueue = new sqs.Queue(this, 'SendQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: SEND_QUEUE_VISIBILITY,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.sendDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy,
    });
    this.eventsDlq = new sqs.Queue(this, 'EventsDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      removalPolicy,
    });

    this.webhookDlq = new sqs.Queue(this, 'WebhookDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      removalPolicy,
    });
    this.webhookQueue = new sqs.Queue(this, 'WebhookQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(DISPATCHER_TIMEOUT.toSeconds() * 6),
      // The last attempt comes about 28 hours after the first: four days keep every one of them.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.webhookDlq, maxReceiveCount: WEBHOOK_MAX_RECEIVE_COUNT },
      removalPolicy,
    });

    this.payloadBucket = new s3.Bucket(this, 'PayloadBucket', {
      bucketName: payloadBucketName(config.stackPrefix),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      lifecycleRules: [
        { id: 'expire-payloads', prefix: 'payloads/', expiration: PAYLOAD_EXPIRY, abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-scheduled', prefix: 'scheduled/', expiration: SCHEDULED_EXPIRY, abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // What sent messages sent (sent-content.ts); with contentRetentionDays 0 nothing is written there.
        ...(config.contentRetentionDays > 0 ? [{ id: 'expire-content', prefix: 'content/', expiration: Duration.days(config.contentRetentionDays) }] : []),
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });

    // SES events carry recipient addresses: the topic is encrypted with a key SES may use.
    const topicKey = new kms.Key(this, 'SesEventsKey', {
      description: 'Encrypts the Posthaste SES events topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.sesEventsTopic = new sns.Topic(this, 'SesEvents', {
      displayName: 'Posthaste SES events',
      masterKey: topicKey,
      enforceSSL: true,
    });

    this.ses = new SesSending(this, 'Ses', { config, eventsTopic: this.sesEventsTopic });

    const out = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description });
    for (const [name, table] of Object.entries(this.tables))
      out(`${name[0]!.toUpperCase()}${name.slice(1)}TableName`, table.tableName, `DynamoDB table ${name}`);
    out('SendQueueUrl', this.sendQueue.queueUrl, 'Send queue');
    out('SendDlqUrl', this.sendDlq.queueUrl, 'Send dead-letter queue: messages that failed every attempt');
    out('EventsDlqUrl', this.eventsDlq.queueUrl, 'SES events the events function could not record');
    out('WebhookQueueUrl', this.webhookQueue.queueUrl, 'Webhook queue: events to fan out and deliveries to attempt');
    out('WebhookDlqUrl', this.webhookDlq.queueUrl, 'Webhook dead-letter queue: what the dispatcher failed on its side every time');
    out('PayloadBucketName', this.payloadBucket.bucketName, 'Large message payloads (claim checks)');
    out('SesEventsTopicArn', this.sesEventsTopic.topicArn, 'SES sending events');
    out('ConfigurationSetName', this.ses.configurationSet.configurationSetName, 'SES configuration set');
  }
}
