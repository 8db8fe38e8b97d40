import { Arn, ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { EMISSION_INDEX, FEEDBACK_TIME_INDEX, LOG_INDEX, SCHEDULE_INDEX, STATUS_INDEX, TEMPLATE_LIST_INDEX } from '../functions/adapters/tables.js';
import { FUNCTION_ENVIRONMENTS, stackEnvironment } from '../functions/compose/environment.js';
import type { PosthasteConfig } from './config.js';
import { EmailApi } from './constructs/email-api.js';
import { Monitoring } from './constructs/monitoring.js';
import { PosthasteFunction } from './constructs/posthaste-function.js';
import { type DataStack, DELIVER_TIMEOUT, DISPATCHER_TIMEOUT, MAX_RECEIVE_COUNT, payloadBucketName } from './data-stack.js';

export interface ServiceStackProps extends StackProps {
  config: PosthasteConfig;
  data: DataStack;
}

/** DynamoDB actions by intent, so each function's grant reads as what it does. */
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** What a function that appends history does to the messages table: read, update, and put the pull feed's items a group at a time. */
const HISTORY_WRITE = ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/**
 * The functions, both API front doors, the event wiring, alarms and the dashboard. Holds
 * no data: it can be destroyed and redeployed at will. Every function gets only the
 * actions it uses, on the resources it uses them on.
 */
export class ServiceStack extends Stack {
  readonly functions: Record<'api' | 'deliver' | 'events' | 'authorizer' | 'scheduler' | 'dispatcher', PosthasteFunction>;
  readonly keyApi: EmailApi;
  readonly iamApi: EmailApi;
  readonly monitoring: Monitoring;
  readonly invokePolicy: iam.ManagedPolicy;
  readonly payloadObjects: string;
  /** What sent messages sent (content/ in the payload bucket): deliver writes it, api reads it. */
  readonly sentContentObjects: string;
  readonly config: PosthasteConfig;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    this.config = config;
    const { tables } = data;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const common = { logRetentionDays: config.logRetentionDays, removalPolicy };
    const index = (arn: string, name: string) => `${arn}/index/${name}`;
    const bucketName = payloadBucketName(config.stackPrefix);
    /** Payload objects: their keys are message ids made at run time, hence the wildcard. */
    this.payloadObjects = `arn:${Aws.PARTITION}:s3:::${bucketName}/*`;
    this.sentContentObjects = `arn:${Aws.PARTITION}:s3:::${bucketName}/content/*`;

    // api: accepts, queues and reports on messages; never sends mail.
    const api = new PosthasteFunction(this, 'ApiFunction', {
      ...common,
      name: 'api',
      description: 'Posthaste HTTP API',
      timeout: Duration.seconds(15),
      memorySize: 512,
      environment: stackEnvironment(FUNCTION_ENVIRONMENTS.api, {
        MESSAGES_TABLE: tables.messages.tableName,
        IDEMPOTENCY_TABLE: tables.idempotency.tableName,
        SUPPRESSIONS_TABLE: tables.suppressions.tableName,
        FEEDBACK_TABLE: tables.feedback.tableName,
        TEMPLATES_TABLE: tables.templates.tableName,
        WEBHOOKS_TABLE: tables.webhooks.tableName,
        WEBHOOK_DELIVERIES_TABLE: tables.webhookDeliveries.tableName,
        QUEUE_URL: data.sendQueue.queueUrl,
        WEBHOOK_QUEUE_URL: data.webhookQueue.queueUrl,
        PAYLOAD_BUCKET: bucketName,
        ALLOWED_SENDER_DOMAINS: config.allowedSenderDomains.join(','),
        MESSAGE_RETENTION_DAYS: config.messageRetentionDays,
      }),
    });
    api.allow([...READ, ...WRITE, 'dynamodb:BatchWriteItem'], [tables.messages.tableArn]);
    // The email log and the event feed.
    api.allow(['dynamodb:Query'], [index(tables.messages.tableArn, LOG_INDEX), index(tables.messages.tableArn, STATUS_INDEX)]);
    api.allow([...READ, ...WRITE, 'dynamodb:DeleteItem'], [tables.idempotency.tableArn]);
    api.allow([...READ, 'dynamodb:Scan', 'dynamodb:DeleteItem'], [tables.suppressions.tableArn]);
    api.allow(
      [...READ, 'dynamodb:Query'],
      [tables.feedback.tableArn, index(tables.feedback.tableArn, 'byMessage'), index(tables.feedback.tableArn, FEEDBACK_TIME_INDEX)],
    );
    // Templates: versions are put and read by key, deleted in batches, listed through the sparse index.
    api.allow([...READ, 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], [tables.templates.tableArn]);
    api.allow(['dynamodb:Query'], [index(tables.templates.tableArn, TEMPLATE_LIST_INDEX)]);
    api.allow(['sqs:SendMessage'], [data.sendQueue.queueArn, data.webhookQueue.queueArn]);
    // Webhook endpoints: managed through the API; Scan lists them (an account has a handful).
    api.allow([...READ, ...WRITE, 'dynamodb:DeleteItem', 'dynamodb:Scan'], [tables.webhooks.tableArn]);
    // Deliveries: listed per endpoint, one resent by hand.
    api.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], [tables.webhookDeliveries.tableArn]);
    api.allow(['s3:PutObject'], [this.payloadObjects]);
    // What sent messages sent (GET /v1/emails/{id}/content); ListBucket makes a missing one NoSuchKey, a 404.
    api.allow(['s3:GetObject'], [this.sentContentObjects]);
    api.allow(['s3:ListBucket'], [`arn:${Aws.PARTITION}:s3:::${bucketName}`]);

    // deliver: SQS → MIME → SES or SMTP.
    const deliver = new PosthasteFunction(this, 'DeliverFunction', {
      ...common,
      name: 'deliver',
      description: 'Posthaste delivery: send queue to SES or an SMTP relay',
      timeout: DELIVER_TIMEOUT,
      memorySize: 512,
      environment: stackEnvironment(FUNCTION_ENVIRONMENTS.deliver, {
        MESSAGES_TABLE: tables.messages.tableName,
        SUPPRESSIONS_TABLE: tables.suppressions.tableName,
        FEEDBACK_TABLE: tables.feedback.tableName,
        QUEUE_URL: data.sendQueue.queueUrl,
        WEBHOOK_QUEUE_URL: data.webhookQueue.queueUrl,
        PAYLOAD_BUCKET: bucketName,
        TRANSPORT: config.transport,
        SES_CONFIGURATION_SET: data.ses.configurationSet.configurationSetName,
        MAX_RECEIVE_COUNT,
        // Each concurrent invocation takes this share of the SES send rate.
        DELIVER_CONCURRENCY: config.deliverConcurrency,
        RETRY_BASE_SECONDS: 30,
        RETRY_MAX_SECONDS: 900,
        // A delivery lease outlives the invocation holding it, so a slow relay is never sent the same message twice at once.
        DELIVERY_LEASE_SECONDS: DELIVER_TIMEOUT.toSeconds() * 2,
        SENT_CONTENT_DAYS: config.contentRetentionDays,
        SMTP_SECRET_ARN: config.smtpSecretArn,
      }),
    });
    deliver.allow(HISTORY_WRITE, [tables.messages.tableArn]);
    deliver.allow([...READ, ...WRITE], [tables.suppressions.tableArn]);
    deliver.allow([...READ, ...WRITE], [tables.feedback.tableArn]);
    deliver.allow(['sqs:SendMessage'], [data.webhookQueue.queueArn]);
    // A delivered message's payload is removed; ListBucket makes a missing (expired) payload NoSuchKey instead of AccessDenied.
    deliver.allow(['s3:GetObject', 's3:DeleteObject'], [this.payloadObjects]);
    deliver.allow(['s3:ListBucket'], [`arn:${Aws.PARTITION}:s3:::${bucketName}`]);
    if (config.contentRetentionDays > 0) deliver.allow(['s3:PutObject'], [this.sentContentObjects]);
    deliver.fn.addEventSource(
      new SqsEventSource(data.sendQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: config.deliverConcurrency,
      }),
    );
    if (config.transport === 'ses') {
      deliver.allow(
        ['ses:SendRawEmail', 'ses:SendEmail'],
        [...this.sesIdentityArns(config), this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: config.configurationSetName })],
      );
      // GetSendQuota has no resource type: it can only be granted on "*".
      deliver.allow(['ses:GetSendQuota'], ['*']);
    }
    if (config.smtpSecretArn) deliver.allow(['secretsmanager:GetSecretValue'], secretArns(config.smtpSecretArn));

    // events: SES notifications (SNS) → feedback records, suppressions, message status.
    const eventsFn = new PosthasteFunction(this, 'EventsFunction', {
      ...common,
      name: 'events',
      description: 'Posthaste SES events: bounces, complaints, deliveries',
      timeout: Duration.seconds(30),
      environment: stackEnvironment(FUNCTION_ENVIRONMENTS.events, {
        MESSAGES_TABLE: tables.messages.tableName,
        FEEDBACK_TABLE: tables.feedback.tableName,
        SUPPRESSIONS_TABLE: tables.suppressions.tableName,
        SES_EVENTS_TOPIC_ARN: data.sesEventsTopic.topicArn,
        WEBHOOK_QUEUE_URL: data.webhookQueue.queueUrl,
      }),
      deadLetterQueue: data.eventsDlq,
    });
    eventsFn.allow(HISTORY_WRITE, [tables.messages.tableArn]);
    eventsFn.allow(['dynamodb:Query'], [index(tables.messages.tableArn, 'byProviderMessageId')]);
    eventsFn.allow([...READ, ...WRITE], [tables.feedback.tableArn, tables.suppressions.tableArn]);
    eventsFn.allow(['sqs:SendMessage'], [data.webhookQueue.queueArn]);
    data.sesEventsTopic.addSubscription(new subscriptions.LambdaSubscription(eventsFn.fn, { deadLetterQueue: data.eventsDlq }));

    // scheduler: every minute, hands messages that fall due to the send queue.
    const scheduler = new PosthasteFunction(this, 'SchedulerFunction', {
      ...common,
      name: 'scheduler',
      description: 'Posthaste scheduled sends: due messages to the send queue',
      timeout: Duration.seconds(60),
      environment: stackEnvironment(FUNCTION_ENVIRONMENTS.scheduler, {
        MESSAGES_TABLE: tables.messages.tableName,
        QUEUE_URL: data.sendQueue.queueUrl,
        WEBHOOK_QUEUE_URL: data.webhookQueue.queueUrl,
        PAYLOAD_BUCKET: bucketName,
        // The sweep runs every 60 s; looking 90 s ahead lets SQS delays release each message on time.
        SCHEDULE_LOOKAHEAD_SECONDS: 90,
        SCHEDULE_BUDGET_MS: 45_000,
      }),
    });
    // The schedule's sweep, and the webhook outbox's.
    scheduler.allow(['dynamodb:Query'], [index(tables.messages.tableArn, SCHEDULE_INDEX), index(tables.messages.tableArn, EMISSION_INDEX)]);
    scheduler.allow(HISTORY_WRITE, [tables.messages.tableArn]);
    scheduler.allow(['sqs:SendMessage'], [data.sendQueue.queueArn, data.webhookQueue.queueArn]);
    // Large scheduled requests wait in the bucket; a due one too large for the queue travels as a claim check.
    scheduler.allow(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [this.payloadObjects]);
    scheduler.allow(['s3:ListBucket'], [`arn:${Aws.PARTITION}:s3:::${bucketName}`]);
    new events.Rule(this, 'ScheduleSweep', {
      description: 'Runs the Posthaste scheduler every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(scheduler.fn, { retryAttempts: 0 })],
    });

    // dispatcher: webhook queue → signed POSTs to the endpoints, retried on the queue.
    const dispatcher = new PosthasteFunction(this, 'DispatcherFunction', {
      ...common,
      name: 'dispatcher',
      description: 'Posthaste webhooks: events to signed deliveries, retried on a schedule',
      timeout: DISPATCHER_TIMEOUT,
      environment: stackEnvironment(FUNCTION_ENVIRONMENTS.dispatcher, {
        WEBHOOKS_TABLE: tables.webhooks.tableName,
        WEBHOOK_DELIVERIES_TABLE: tables.webhookDeliveries.tableName,
        WEBHOOK_QUEUE_URL: data.webhookQueue.queueUrl,
      }),
    });
    // Endpoints are read (Scan: the enabled ones, once per batch) and their failure streaks written.
    dispatcher.allow(['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'], [tables.webhooks.tableArn]);
    dispatcher.allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [tables.webhookDeliveries.tableArn]);
    // A fan-out queues its deliveries; the event source grants receive, delete and visibility changes.
    dispatcher.allow(['sqs:SendMessage'], [data.webhookQueue.queueArn]);
    dispatcher.fn.addEventSource(new SqsEventSource(data.webhookQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 10 }));

    // authorizer: reads one key record per (uncached) request.
    const authorizer = new PosthasteFunction(this, 'AuthorizerFunction', {
      ...common,
      name: 'authorizer',
      description: 'Posthaste API key authorizer',
      timeout: Duration.seconds(5),
      environment: stackEnvironment(FUNCTION_ENVIRONMENTS.authorizer, { API_KEYS_TABLE: tables.apiKeys.tableName }),
    });
    authorizer.allow(['dynamodb:GetItem'], [tables.apiKeys.tableArn]);

    this.functions = { api, deliver, events: eventsFn, authorizer, scheduler, dispatcher };

    // One CloudWatch role for API Gateway in this account and region, shared by both APIs.
    const cloudWatchRole = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    const account = new apigw.CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: cloudWatchRole.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const apiCommon = { handler: api.fn, rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit, cloudWatchAccount: account, ...common };
    this.keyApi = new EmailApi(this, 'KeyApi', {
      ...apiCommon,
      auth: {
        kind: 'apiKey',
        authorizer: authorizer.fn,
        cacheSeconds: config.authorizerCacheSeconds,
        keyRateLimit: config.keyRateLimit,
        keyBurstLimit: config.keyBurstLimit,
      },
    });
    this.iamApi = new EmailApi(this, 'IamApi', { ...apiCommon, auth: { kind: 'iam' } });
    this.invokePolicy = new iam.ManagedPolicy(this, 'InvokePolicy', {
      description: 'Attach to an AWS role or user that may call the Posthaste IAM API (SigV4)',
      statements: [new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: this.iamApi.routeArns })],
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: { Api: api.fn, Deliver: deliver.fn, Events: eventsFn.fn, Authorizer: authorizer.fn, Scheduler: scheduler.fn, Dispatcher: dispatcher.fn },
      deadLetterQueues: { SendDlq: data.sendDlq, EventsDlq: data.eventsDlq, WebhookDlq: data.webhookDlq },
      sendQueue: data.sendQueue,
      webhookQueue: data.webhookQueue,
      apis: { KeyApi: this.keyApi.api, IamApi: this.iamApi.api },
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.keyApi.api.urlForPath('/v1'), description: 'API for API-key callers (Authorization: Bearer ph_…)' });
    new CfnOutput(this, 'IamApiUrl', { value: this.iamApi.api.urlForPath('/v1'), description: 'API for AWS callers (SigV4, execute-api:Invoke)' });
    new CfnOutput(this, 'UsagePlanId', { value: this.keyApi.usagePlan!.usagePlanId, description: 'Usage plan the keys tool registers new keys with' });
    new CfnOutput(this, 'InvokePolicyArn', {
      value: this.invokePolicy.managedPolicyArn,
      description: 'Managed policy granting execute-api:Invoke on the IAM API',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn, description: 'Alarm notifications' });
  }

  /** The identities deliver may send as: the allowed domains, or any identity of the account when none is configured. */
  private sesIdentityArns(config: PosthasteConfig): string[] {
    // Domain identities by name: the role can send as these and no other verified identity.
    return config.allowedSenderDomains.map((name) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: name }));
  }
}

/** A secret ARN as given, plus the form with the 6-character suffix Secrets Manager appends when the ARN was given without it. */
export function secretArns(arn: string): string[] {
  const name = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME).resourceName ?? '';
  return /-[A-Za-z0-9]{6}$/.test(name) ? [arn] : [arn, `${arn}-??????`];
}
