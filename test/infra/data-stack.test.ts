import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TableName, TTL_ATTRIBUTE, tableDefinitions } from '../../functions/adapters/tables.js';
import { resource, resources, type Synthesized, synth } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synth();
});

const definitions = tableDefinitions();
const tableNames = Object.keys(definitions) as TableName[];
const tableOf = (name: TableName) => resource(s.data, 'AWS::DynamoDB::Table', `Tables${name}`)[1].Properties!;
const sortBy = <T>(list: T[] | undefined, key: (t: T) => string) => [...(list ?? [])].sort((a, b) => key(a).localeCompare(key(b)));

describe('tables', () => {
  it('are exactly the tables functions/adapters/tables.ts defines', () => {
    expect(resources(s.data, 'AWS::DynamoDB::Table')).toHaveLength(tableNames.length);
  });

  it.each(tableNames)('%s has the key schema, attributes and indexes of tables.ts', (name) => {
    const def = definitions[name];
    const table = tableOf(name);
    expect(table.KeySchema).toEqual(def.KeySchema);
    expect(sortBy(table.AttributeDefinitions, (a: { AttributeName: string }) => a.AttributeName)).toEqual(
      sortBy(def.AttributeDefinitions, (a) => a.AttributeName!),
    );
    const indexes = (table.GlobalSecondaryIndexes ?? []).map((i: Record<string, unknown>) => ({
      IndexName: i.IndexName,
      KeySchema: i.KeySchema,
      Projection: i.Projection,
    }));
    expect(indexes).toEqual(def.GlobalSecondaryIndexes ?? []);
  });

  it.each(tableNames)('%s is on demand', (name) => {
    expect(tableOf(name).BillingMode).toBe('PAY_PER_REQUEST');
  });

  it.each(tableNames)('%s has point-in-time recovery', (name) => {
    expect(tableOf(name).PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it.each(tableNames)('%s is encrypted with a KMS key', (name) => {
    expect(tableOf(name).SSESpecification).toMatchObject({ SSEEnabled: true });
  });

  it.each(tableNames)('%s is retained on stack deletion and protected from deletion', (name) => {
    const [, table] = resource(s.data, 'AWS::DynamoDB::Table', `Tables${name}`);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties!.DeletionProtectionEnabled).toBe(true);
  });

  it('idempotency records expire through TTL on `expiration`', () => {
    expect(TTL_ATTRIBUTE.idempotency).toBe('expiration');
    expect(tableOf('idempotency').TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
  });

  it('messages and their email-log index items expire through TTL on `expiresAt`', () => {
    expect(tableOf('messages').TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('only tables with a TTL attribute in tables.ts have TTL on', () => {
    for (const name of tableNames) if (!TTL_ATTRIBUTE[name]) expect(tableOf(name).TimeToLiveSpecification, name).toBeUndefined();
  });
});

describe('send queue', () => {
  const queue = () => resource(s.data, 'AWS::SQS::Queue', 'SendQueue')[1];

  it('moves a message to the DLQ after 5 receives', () => {
    expect(queue().Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [resource(s.data, 'AWS::SQS::Queue', 'SendDlq')[0], 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('has a visibility timeout of at least 6× the deliver function timeout', () => {
    const [, deliver] = resource(s.service, 'AWS::Lambda::Function', 'DeliverFunction');
    expect(queue().Properties!.VisibilityTimeout).toBeGreaterThanOrEqual(6 * deliver.Properties!.Timeout);
  });

  it.each(['SendQueue', 'SendDlq', 'EventsDlq'])('%s is encrypted at rest', (name) => {
    expect(resource(s.data, 'AWS::SQS::Queue', name)[1].Properties!.SqsManagedSseEnabled).toBe(true);
  });

  it.each(['SendQueue', 'SendDlq', 'EventsDlq'])('%s refuses requests without TLS', (name) => {
    const [id] = resource(s.data, 'AWS::SQS::Queue', name);
    s.data.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it.each(['SendQueue', 'SendDlq', 'EventsDlq'])('%s is retained on stack deletion', (name) => {
    expect(resource(s.data, 'AWS::SQS::Queue', name)[1].DeletionPolicy).toBe('Retain');
  });

  it('keeps dead letters for 14 days (the SQS maximum)', () => {
    expect(resource(s.data, 'AWS::SQS::Queue', 'SendDlq')[1].Properties!.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });
});

describe('payload bucket', () => {
  const bucket = () => resource(s.data, 'AWS::S3::Bucket', 'PayloadBucket');

  it('is encrypted', () => {
    expect(bucket()[1].Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
  });

  it('blocks every kind of public access', () => {
    expect(bucket()[1].Properties!.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('refuses requests without TLS', () => {
    s.data.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket()[0] },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('expires payloads after the DLQ retention, so a redriven message still finds its body', () => {
    const rules = bucket()[1].Properties!.LifecycleConfiguration.Rules as { Prefix: string; Status: string; ExpirationInDays: number }[];
    const rule = rules.find((r) => r.Prefix === 'payloads/')!;
    expect(rule.Status).toBe('Enabled');
    expect(rule.ExpirationInDays).toBeGreaterThan(14);
  });

  it('keeps scheduled requests past the longest schedule (30 days) plus the DLQ retention', () => {
    const rules = bucket()[1].Properties!.LifecycleConfiguration.Rules as { Prefix: string; Status: string; ExpirationInDays: number }[];
    const rule = rules.find((r) => r.Prefix === 'scheduled/')!;
    expect(rule.Status).toBe('Enabled');
    expect(rule.ExpirationInDays).toBeGreaterThan(30 + 14);
    expect(rules.every((r) => r.Prefix)).toBe(true);
  });

  it('keeps what each message sent for contentRetentionDays (30 by default)', () => {
    const rules = bucket()[1].Properties!.LifecycleConfiguration.Rules as { Prefix: string; Status: string; ExpirationInDays: number }[];
    expect(rules.find((r) => r.Prefix === 'content/')).toMatchObject({ Status: 'Enabled', ExpirationInDays: 30 });
  });

  it('is retained on stack deletion', () => {
    expect(bucket()[1].DeletionPolicy).toBe('Retain');
  });
});

describe('SES events', () => {
  it('the topic is encrypted with a rotating KMS key that SES may use', () => {
    const [keyId, key] = resource(s.data, 'AWS::KMS::Key', 'SesEventsKey');
    expect(key.Properties!.EnableKeyRotation).toBe(true);
    expect(key.Properties!.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'ses.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    s.data.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('the configuration set publishes Send, Reject, Bounce, Complaint, Delivery and DeliveryDelay to the topic', () => {
    const [topicId] = resource(s.data, 'AWS::SNS::Topic', 'SesEvents');
    const [, destination] = resource(s.data, 'AWS::SES::ConfigurationSetEventDestination', 'Ses');
    expect(destination.Properties!.EventDestination.SnsDestination).toEqual({ TopicARN: { Ref: topicId } });
    expect([...destination.Properties!.EventDestination.MatchingEventTypes].sort()).toEqual([
      'bounce',
      'complaint',
      'delivery',
      'deliveryDelay',
      'reject',
      'send',
    ]);
  });

  it('SES may publish to the topic, for this account only', () => {
    s.data.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: Match.objectLike({ 'AWS:SourceAccount': Match.anyValue() }) }),
          }),
        ]),
      },
    });
  });

  it('the configuration set requires TLS and tracks reputation', () => {
    s.data.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'posthaste',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('creates no domain identity when no domain is configured', () => {
    s.data.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });
});

describe('outputs', () => {
  it.each([
    'MessagesTableName',
    'IdempotencyTableName',
    'FeedbackTableName',
    'SuppressionsTableName',
    'ApiKeysTableName',
    'SendQueueUrl',
    'SendDlqUrl',
    'EventsDlqUrl',
    'PayloadBucketName',
  ])('%s', (name) => {
    expect(Object.keys(s.data.findOutputs(name))).toEqual([name]);
  });
});
