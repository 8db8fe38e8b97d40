import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.js';
import { grantsOf, resource, resources, type Synthesized, synth } from './synth.js';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:posthaste/smtp-AbCdEf';

/** One synth with every option set the other way from its default. */
let s: Synthesized;
beforeAll(() => {
  s = synth({
    transport: 'smtp',
    smtpSecretArn: SECRET,
    domain: 'mail-example.com',
    removalPolicy: 'destroy',
    deliverConcurrency: 7,
    alarmEmail: 'ops@mail-example.com',
    configurationSetName: 'custom-set',
    logRetentionDays: 90,
    contentRetentionDays: 0,
    messageRetentionDays: 400,
  });
});

describe('transport smtp', () => {
  it('deliver may read exactly the SMTP secret', () => {
    expect(grantsOf(s.service, 'DeliverFunction')['secret:smtp']).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('deliver cannot send through SES', () => {
    expect(
      Object.values(grantsOf(s.service, 'DeliverFunction'))
        .flat()
        .filter((a) => a.startsWith('ses:')),
    ).toEqual([]);
  });

  it('deliver gets the secret ARN, never the credentials', () => {
    const vars = resource(s.service, 'AWS::Lambda::Function', 'DeliverFunction')[1].Properties!.Environment.Variables;
    expect(vars).toMatchObject({ TRANSPORT: 'smtp', SMTP_SECRET_ARN: SECRET });
    expect(vars.SMTP_URL).toBeUndefined();
  });
});

describe('context values', () => {
  it('deliverConcurrency caps the event source', () => {
    expect(resources(s.service, 'AWS::Lambda::EventSourceMapping')[0]![1].Properties!.ScalingConfig).toEqual({ MaximumConcurrency: 7 });
  });

  it('alarmEmail subscribes to the alarm topic', () => {
    s.service.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@mail-example.com' });
  });

  it('configurationSetName names the configuration set and reaches deliver', () => {
    s.data.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'custom-set' });
    expect(resource(s.service, 'AWS::Lambda::Function', 'DeliverFunction')[1].Properties!.Environment.Variables.SES_CONFIGURATION_SET).toBeDefined();
  });

  it('messageRetentionDays reaches the api function, which stamps expiresAt on what it writes', () => {
    expect(resource(s.service, 'AWS::Lambda::Function', 'ApiFunction')[1].Properties!.Environment.Variables.MESSAGE_RETENTION_DAYS).toBe('400');
    expect(resource(synth().service, 'AWS::Lambda::Function', 'ApiFunction')[1].Properties!.Environment.Variables.MESSAGE_RETENTION_DAYS).toBe('90');
    expect(() => readConfig((key) => ({ domain: 'example.com', messageRetentionDays: 0 })[key])).toThrow(/messageRetentionDays/);
  });

  it('logRetentionDays sets every function log group', () => {
    for (const [id, group] of resources(s.service, 'AWS::Logs::LogGroup')) expect(group.Properties!.RetentionInDays, id).toBe(90);
  });

  it('contentRetentionDays 0 keeps no content: deliver may not write it, and has nothing to expire', () => {
    expect(resource(s.service, 'AWS::Lambda::Function', 'DeliverFunction')[1].Properties!.Environment.Variables.SENT_CONTENT_DAYS).toBe('0');
    expect(grantsOf(s.service, 'DeliverFunction')['objects:payload-bucket/content']).toBeUndefined();
    const rules = resources(s.data, 'AWS::S3::Bucket')[0]![1].Properties!.LifecycleConfiguration.Rules as { Prefix: string }[];
    expect(rules.map((r) => r.Prefix)).not.toContain('content/');
  });

  it('a domain becomes the allowed sender domain', () => {
    expect(s.config.allowedSenderDomains).toEqual(['mail-example.com']);
    expect(resource(s.service, 'AWS::Lambda::Function', 'ApiFunction')[1].Properties!.Environment.Variables.ALLOWED_SENDER_DOMAINS).toBe('mail-example.com');
  });
});

describe('removalPolicy destroy (test stacks)', () => {
  it('tables are deleted with the stack and not deletion-protected', () => {
    for (const [id, table] of resources(s.data, 'AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy, id).toBe('Delete');
      expect(table.Properties!.DeletionProtectionEnabled, id).toBe(false);
    }
  });

  it('queues and the bucket are deleted with the stack', () => {
    for (const [id, r] of [...resources(s.data, 'AWS::SQS::Queue'), ...resources(s.data, 'AWS::S3::Bucket')]) expect(r.DeletionPolicy, id).toBe('Delete');
  });
});

describe('domain identity', () => {
  it('has Easy DKIM, a custom MAIL FROM and the configuration set', () => {
    s.data.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'mail-example.com',
      DkimAttributes: { SigningEnabled: true },
      MailFromAttributes: { MailFromDomain: 'mail.mail-example.com', BehaviorOnMxFailure: 'REJECT_MESSAGE' },
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
  });

  it('prints the DKIM, SPF, MX and DMARC records', () => {
    const outputs = Object.fromEntries(Object.entries(s.data.findOutputs('*')).filter(([name]) => name.startsWith('Dns')));
    expect(Object.keys(outputs).sort()).toEqual(['DnsDkim1', 'DnsDkim2', 'DnsDkim3', 'DnsDmarc', 'DnsMailFromMx', 'DnsMailFromSpf']);
    expect(outputs.DnsMailFromSpf!.Value).toBe('mail.mail-example.com TXT "v=spf1 include:amazonses.com ~all"');
    expect(outputs.DnsDmarc!.Value).toBe('_dmarc.mail-example.com TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@mail-example.com"');
    expect(JSON.stringify(outputs.DnsMailFromMx!.Value)).toContain('feedback-smtp.');
    expect(JSON.stringify(outputs.DnsDkim1!.Value)).toContain('DkimDNSTokenName1');
  });
});

describe('cdk-nag with every option on', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(s.app).validateScope(s.app);
    const findings = report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});

describe('bad context stops the synth with the key named', () => {
  const get = (values: Record<string, unknown>) => (key: string) => values[key];
  const sender = { domain: 'example.com' };
  it.each([
    [{ ...sender, transport: 'smtp' }, /smtpSecretArn is required/],
    [{ ...sender, transport: 'carrier-pigeon' }, /transport must be one of ses, smtp/],
    [{ ...sender, smtpSecretArn: 'not-an-arn' }, /smtpSecretArn is not a Secrets Manager secret ARN/],
    [{ ...sender, deliverConcurrency: 1 }, /deliverConcurrency must be an integer from 2 to 1000/],
    [{ ...sender, removalPolicy: 'delete' }, /removalPolicy must be one of retain, destroy/],
    [{ allowedSenderDomains: 'example.com,not a domain' }, /allowedSenderDomains: not a domain is not a domain name/],
    [{ ...sender, alarmEmail: 'ops' }, /alarmEmail: ops is not an e-mail address/],
    [{}, /^set context domain .* or allowedSenderDomains/],
    [{ allowedSenderDomains: [] }, /^set context domain .* or allowedSenderDomains/],
  ])('%o', (values, message) => {
    expect(() => readConfig(get(values))).toThrow(message);
  });

  it('turns on open and click tracking with a custom redirect domain', () => {
    const tracked = synth({ domain: 'example.com', engagementTracking: true, trackingRedirectDomain: 'track.example.com' });
    const [, destination] = resource(tracked.data, 'AWS::SES::ConfigurationSetEventDestination', 'Ses');
    expect(destination.Properties!.EventDestination.MatchingEventTypes).toEqual(expect.arrayContaining(['open', 'click', 'bounce']));
    const [, set] = resource(tracked.data, 'AWS::SES::ConfigurationSet', 'Ses');
    expect(set.Properties!.TrackingOptions).toEqual({ CustomRedirectDomain: 'track.example.com', HttpsPolicy: 'REQUIRE' });
    const plain = synth({ domain: 'example.com' });
    const [, untracked] = resource(plain.data, 'AWS::SES::ConfigurationSetEventDestination', 'Ses');
    expect(untracked.Properties!.EventDestination.MatchingEventTypes).not.toContain('open');
  });

  it('says plainly that an SMTP relay cannot track opens and clicks', () => {
    expect(() =>
      readConfig(get({ ...sender, transport: 'smtp', smtpSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:relay', engagementTracking: true })),
    ).toThrow(/engagementTracking needs transport=ses/);
    expect(() => readConfig(get({ ...sender, trackingRedirectDomain: 'track.example.com' }))).toThrow(/needs engagementTracking=true/);
  });

  it('takes -c domain=… alone, and grants sending as that identity only', () => {
    const only = synth({ domain: 'mail.example.net' });
    expect(only.config.allowedSenderDomains).toEqual(['mail.example.net']);
    const policies = JSON.stringify(only.service.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':identity/mail.example.net');
    expect(policies).not.toContain(':identity/*');
  });

  it('accepts lists from the command line as comma-separated text', () => {
    expect(readConfig(get({ allowedSenderDomains: 'a.example.com, B.example.org' })).allowedSenderDomains).toEqual(['a.example.com', 'b.example.org']);
  });
});
