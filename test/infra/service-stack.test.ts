import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../infra/api-routes.js';
import { grantsOf, resource, resources, type Synthesized, synth } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synth();
});

const FUNCTIONS = ['ApiFunction', 'DeliverFunction', 'EventsFunction', 'AuthorizerFunction', 'SchedulerFunction', 'DispatcherFunction'];
const fn = (prefix: string) => resource(s.service, 'AWS::Lambda::Function', prefix)[1].Properties!;
const env = (prefix: string) => fn(prefix).Environment.Variables as Record<string, unknown>;

describe('functions', () => {
  it.each(FUNCTIONS)('%s runs Node.js 22 on ARM64', (name) => {
    expect(fn(name).Runtime).toBe('nodejs22.x');
    expect(fn(name).Architectures).toEqual(['arm64']);
  });

  it.each(FUNCTIONS)('%s is traced with X-Ray', (name) => {
    expect(fn(name).TracingConfig).toEqual({ Mode: 'Active' });
  });

  it.each(FUNCTIONS)('%s logs to its own log group with a retention', (name) => {
    const logGroupId = fn(name).LoggingConfig.LogGroup.Ref as string;
    expect(logGroupId.startsWith(`${name}Logs`)).toBe(true);
    expect(resource(s.service, 'AWS::Logs::LogGroup', logGroupId)[1].Properties!.RetentionInDays).toBe(30);
  });

  it.each(FUNCTIONS)('%s maps stack traces through source maps', (name) => {
    expect(env(name).NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it.each(FUNCTIONS)('%s has a role without AWS managed policies', (name) => {
    expect(grantsOf(s.service, name)['managed-policies']).toBeUndefined();
  });

  it('there are exactly the six functions', () => {
    expect(
      resources(s.service, 'AWS::Lambda::Function')
        .map(([id]) => FUNCTIONS.find((f) => id.startsWith(f)))
        .sort(),
    ).toEqual([...FUNCTIONS].sort());
  });

  it('no function environment carries an SMTP URL or credentials', () => {
    for (const name of FUNCTIONS)
      expect(
        Object.keys(env(name)).filter((k) => /SMTP_URL|PASSWORD|SECRET$/.test(k)),
        name,
      ).toEqual([]);
  });
});

describe('deliver event source', () => {
  const mapping = () =>
    resources(s.service, 'AWS::Lambda::EventSourceMapping').find(([, r]) => JSON.stringify(r.Properties!.FunctionName).includes('DeliverFunction'))![1]
      .Properties!;

  it('reads the send queue', () => {
    expect(JSON.stringify(mapping().EventSourceArn)).toContain('SendQueue');
    expect(mapping().FunctionName.Ref).toMatch(/^DeliverFunction/);
  });

  it('reports partial batch failures', () => {
    expect(mapping().FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('takes batches of 10', () => {
    expect(mapping().BatchSize).toBe(10);
  });

  it('caps concurrency at the configured deliverConcurrency (5 by default)', () => {
    expect(mapping().ScalingConfig).toEqual({ MaximumConcurrency: 5 });
  });

  it('the lease outlives the deliver timeout', () => {
    expect(Number(env('DeliverFunction').DELIVERY_LEASE_SECONDS)).toBeGreaterThan(fn('DeliverFunction').Timeout);
  });

  it('deliver knows the queue receive limit', () => {
    expect(env('DeliverFunction').MAX_RECEIVE_COUNT).toBe('5');
  });
});

describe('events function', () => {
  it('is subscribed to the SES events topic, with a DLQ for undeliverable notifications', () => {
    const [, sub] = resources(s.service, 'AWS::SNS::Subscription')[0]!;
    expect(sub.Properties!.Protocol).toBe('lambda');
    expect(JSON.stringify(sub.Properties!.TopicArn)).toContain('SesEvents');
    expect(JSON.stringify(sub.Properties!.RedrivePolicy)).toContain('EventsDlq');
  });

  it('sends failed asynchronous invocations to the events DLQ', () => {
    expect(JSON.stringify(fn('EventsFunction').DeadLetterConfig)).toContain('EventsDlq');
  });
});

describe('dispatcher event source', () => {
  const mapping = () =>
    resources(s.service, 'AWS::Lambda::EventSourceMapping').find(([, r]) => JSON.stringify(r.Properties!.FunctionName).includes('DispatcherFunction'))![1]
      .Properties!;

  it('reads the webhook queue and reports each delivery that waits for its retry alone', () => {
    expect(JSON.stringify(mapping().EventSourceArn)).toContain('WebhookQueue');
    expect(mapping().FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});

describe('least privilege', () => {
  it('api: reads and writes messages, queries the email log, idempotency, suppressions, templates; reads feedback; enqueues; stores payloads; reads sent content — nothing else', () => {
    expect(grantsOf(s.service, 'ApiFunction')).toEqual({
      'logs:own': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      'table:messages': ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'index:messages/byLog': ['dynamodb:Query'],
      'index:messages/byStatus': ['dynamodb:Query'],
      'table:idempotency': ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'table:suppressions': ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Scan'],
      'table:feedback': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      'index:feedback/byMessage': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      'index:feedback/byTime': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      'table:templates': ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      'index:templates/byAlias': ['dynamodb:Query'],
      'queue:SendQueue': ['sqs:SendMessage'],
      'queue:WebhookQueue': ['sqs:SendMessage'],
      'objects:payload-bucket': ['s3:PutObject'],
      'objects:payload-bucket/content': ['s3:GetObject'],
      'bucket:payload-bucket': ['s3:ListBucket'],
      'table:webhooks': ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
      'table:webhookDeliveries': ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    });
  });

  it('api cannot send mail', () => {
    expect(
      Object.values(grantsOf(s.service, 'ApiFunction'))
        .flat()
        .filter((a) => a.startsWith('ses:')),
    ).toEqual([]);
  });

  it('api cannot read the API keys table', () => {
    expect(grantsOf(s.service, 'ApiFunction')['table:apiKeys']).toBeUndefined();
  });

  it('deliver: consumes the send queue, updates messages, sends through SES as the configuration set, keeps what was sent — nothing else', () => {
    expect(grantsOf(s.service, 'DeliverFunction')).toEqual({
      'logs:own': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '*': ['ses:GetSendQuota', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      'table:messages': ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      'table:suppressions': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'table:feedback': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'objects:payload-bucket': ['s3:DeleteObject', 's3:GetObject'],
      'objects:payload-bucket/content': ['s3:PutObject'],
      'bucket:payload-bucket': ['s3:ListBucket'],
      'queue:SendQueue': ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      'queue:WebhookQueue': ['sqs:SendMessage'],
      'ses:configuration-set': ['ses:SendEmail', 'ses:SendRawEmail'],
      'ses:identity/example.com': ['ses:SendEmail', 'ses:SendRawEmail'],
    });
  });

  it('deliver cannot read the API keys table', () => {
    expect(grantsOf(s.service, 'DeliverFunction')['table:apiKeys']).toBeUndefined();
  });

  it('deliver deletes nothing but delivered payload objects', () => {
    const deletes = Object.entries(grantsOf(s.service, 'DeliverFunction')).filter(([, actions]) => actions.some((a) => /Delete(Item|Object)/.test(a)));
    expect(deletes).toEqual([['objects:payload-bucket', ['s3:DeleteObject', 's3:GetObject']]]);
  });

  it('deliver shares the SES send rate across its concurrency cap', () => {
    expect(env('DeliverFunction').DELIVER_CONCURRENCY).toBe('5');
  });

  it('deliver has no Secrets Manager access when the transport is SES', () => {
    expect(grantsOf(s.service, 'DeliverFunction')['secret:smtp']).toBeUndefined();
  });

  it('events: updates messages (found through the SES message id index), records feedback and suppressions — nothing else', () => {
    expect(grantsOf(s.service, 'EventsFunction')).toEqual({
      'logs:own': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      'table:messages': ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      'index:messages/byProviderMessageId': ['dynamodb:Query'],
      'table:feedback': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'table:suppressions': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'queue:EventsDlq': ['sqs:SendMessage'],
      'queue:WebhookQueue': ['sqs:SendMessage'],
    });
  });

  it('authorizer: reads one API key item — nothing else', () => {
    expect(grantsOf(s.service, 'AuthorizerFunction')).toEqual({
      'logs:own': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      'table:apiKeys': ['dynamodb:GetItem'],
    });
  });

  it('scheduler: finds due messages through the byDue index, flips their status, enqueues them — nothing else', () => {
    expect(grantsOf(s.service, 'SchedulerFunction')).toEqual({
      'logs:own': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      'table:messages': ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      'index:messages/byDue': ['dynamodb:Query'],
      'index:messages/byPendingEmission': ['dynamodb:Query'],
      'queue:SendQueue': ['sqs:SendMessage'],
      'queue:WebhookQueue': ['sqs:SendMessage'],
      'objects:payload-bucket': ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      'bucket:payload-bucket': ['s3:ListBucket'],
    });
  });

  it('dispatcher: reads endpoints and records their streaks, records deliveries, consumes and feeds the webhook queue — nothing else', () => {
    expect(grantsOf(s.service, 'DispatcherFunction')).toEqual({
      'logs:own': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      'table:webhooks': ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
      'table:webhookDeliveries': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'queue:WebhookQueue': [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ],
    });
  });

  it('no function but the API and the dispatcher can read the webhook secrets', () => {
    for (const name of ['DeliverFunction', 'EventsFunction', 'SchedulerFunction', 'AuthorizerFunction'])
      expect(grantsOf(s.service, name)['table:webhooks'], name).toBeUndefined();
  });

  it('scheduler runs every minute', () => {
    const rule = resources(s.service, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties!)
      .find((p) => p.ScheduleExpression === 'rate(1 minute)');
    expect(rule).toBeDefined();
    expect(JSON.stringify(rule!.Targets)).toContain('SchedulerFunction');
  });

  it('no function may use a wildcard action', () => {
    for (const name of FUNCTIONS)
      expect(
        Object.values(grantsOf(s.service, name))
          .flat()
          .filter((a) => a.includes('*')),
        name,
      ).toEqual([]);
  });

  it('each function writes logs only to its own log group', () => {
    for (const name of FUNCTIONS) {
      const logActions = Object.entries(grantsOf(s.service, name)).filter(([, actions]) => actions.some((a) => a.startsWith('logs:')));
      expect(
        logActions.map(([target]) => target),
        name,
      ).toEqual(['logs:own']);
    }
  });
});

describe('API', () => {
  const apis = () => resources(s.service, 'AWS::ApiGateway::RestApi').map(([id]) => id);
  const methodsOf = (apiId: string) => resources(s.service, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties!.RestApiId.Ref === apiId);
  const keyApi = () => apis().find((id) => id.startsWith('KeyApi'))!;
  const iamApi = () => apis().find((id) => id.startsWith('IamApi'))!;
  const pathOf = (resourceId: string): string => {
    const [, r] = resource(s.service, 'AWS::ApiGateway::Resource', resourceId);
    const parent = r.Properties!.ParentId;
    return `${parent.Ref ? pathOf(parent.Ref) : ''}/${r.Properties!.PathPart}`;
  };
  const routesOf = (apiId: string) =>
    methodsOf(apiId)
      .map(([, m]) => `${m.Properties!.HttpMethod} ${pathOf(m.Properties!.ResourceId.Ref)}`)
      .sort();
  const expectedRoutes = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();

  it('has two front doors: API keys and IAM', () => {
    expect(apis()).toHaveLength(2);
  });

  it('the key API serves every route', () => {
    expect(routesOf(keyApi())).toEqual(expectedRoutes);
  });

  it('the IAM API serves every route', () => {
    expect(routesOf(iamApi())).toEqual(expectedRoutes);
  });

  it('every method of the key API uses the key authorizer and the usage plan', () => {
    const [authorizerId] = resource(s.service, 'AWS::ApiGateway::Authorizer', 'KeyApi');
    for (const [id, m] of methodsOf(keyApi())) {
      expect(m.Properties!.AuthorizationType, id).toBe('CUSTOM');
      expect(m.Properties!.AuthorizerId, id).toEqual({ Ref: authorizerId });
      expect(m.Properties!.ApiKeyRequired, id).toBe(true);
    }
  });

  it("serves Resend's email routes, and a catch-all for Resend's other resources, behind the same key authorizer", () => {
    const [authorizerId] = resource(s.service, 'AWS::ApiGateway::Authorizer', 'KeyApi');
    const resendRoutes = [
      'POST /emails',
      'POST /emails/batch',
      'GET /emails/{id}',
      'PATCH /emails/{id}',
      'POST /emails/{id}/cancel',
      'ANY /{resource}',
      'ANY /{resource}/{proxy+}',
    ];
    const methods = methodsOf(keyApi()).map(([, m]) => ({ route: `${m.Properties!.HttpMethod} ${pathOf(m.Properties!.ResourceId.Ref)}`, m }));
    for (const route of resendRoutes) {
      const found = methods.find((x) => x.route === route);
      expect(found, route).toBeDefined();
      expect(found!.m.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId }, ApiKeyRequired: true });
    }
    expect(routesOf(iamApi())).toEqual(expect.arrayContaining(resendRoutes));
  });

  it('every method of the IAM API requires SigV4', () => {
    for (const [id, m] of methodsOf(iamApi())) expect(m.Properties!.AuthorizationType, id).toBe('AWS_IAM');
  });

  it('no method anywhere is open', () => {
    for (const [id, m] of resources(s.service, 'AWS::ApiGateway::Method')) expect(m.Properties!.AuthorizationType, id).not.toBe('NONE');
  });

  it('the authorizer reads the Authorization header and caches its answer briefly', () => {
    const [, authorizer] = resource(s.service, 'AWS::ApiGateway::Authorizer', 'KeyApi');
    expect(authorizer.Properties!.Type).toBe('REQUEST');
    expect(authorizer.Properties!.IdentitySource).toBe('method.request.header.Authorization');
    expect(authorizer.Properties!.AuthorizerResultTtlInSeconds).toBeGreaterThan(0);
    expect(authorizer.Properties!.AuthorizerResultTtlInSeconds).toBeLessThanOrEqual(60);
    expect(JSON.stringify(authorizer.Properties!.AuthorizerUri)).toContain('AuthorizerFunction');
  });

  it('the key API takes the usage identifier from the authorizer', () => {
    expect(resource(s.service, 'AWS::ApiGateway::RestApi', keyApi())[1].Properties!.ApiKeySourceType).toBe('AUTHORIZER');
  });

  it('each key is throttled by the usage plan', () => {
    s.service.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      ApiStages: [Match.objectLike({ ApiId: { Ref: keyApi() }, Stage: Match.anyValue() })],
    });
  });

  it.each(['KeyApi', 'IamApi'])('%s validates every request (body and parameters)', (name) => {
    const apiId = name === 'KeyApi' ? keyApi() : iamApi();
    const [validatorId, validator] = resource(s.service, 'AWS::ApiGateway::RequestValidator', name);
    expect(validator.Properties).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true });
    for (const [id, m] of methodsOf(apiId)) expect(m.Properties!.RequestValidatorId, id).toEqual({ Ref: validatorId });
  });

  it.each(['KeyApi', 'IamApi'])('%s requires a JSON object or array body where a route takes one', (name) => {
    const apiId = name === 'KeyApi' ? keyApi() : iamApi();
    const [modelId, model] = resource(s.service, 'AWS::ApiGateway::Model', name);
    expect(model.Properties!.Schema.type).toEqual(['object', 'array']);
    const withBody = methodsOf(apiId).filter(([, m]) => m.Properties!.RequestModels !== undefined);
    expect(withBody).toHaveLength(API_ROUTES.filter((r) => r.jsonBody).length);
    for (const [id, m] of withBody) expect(m.Properties!.RequestModels, id).toEqual({ 'application/json': { Ref: modelId } });
  });

  it.each(['KeyApi', 'IamApi'])('%s writes JSON access logs to its own log group', (name) => {
    const [, stage] = resource(s.service, 'AWS::ApiGateway::Stage', name);
    const settings = stage.Properties!.AccessLogSetting;
    expect(JSON.stringify(settings.DestinationArn)).toContain(`${name}AccessLogs`);
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      caller: '$context.authorizer.principalId',
    });
  });

  it.each(['KeyApi', 'IamApi'])('%s throttles the stage, traces, and never logs bodies', (name) => {
    const [, stage] = resource(s.service, 'AWS::ApiGateway::Stage', name);
    expect(stage.Properties!.TracingEnabled).toBe(true);
    expect(stage.Properties!.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
        DataTraceEnabled: false,
        LoggingLevel: 'ERROR',
      }),
    ]);
  });

  it.each(['KeyApi', 'IamApi'])('%s answers gateway errors as problem+json', (name) => {
    const apiId = name === 'KeyApi' ? keyApi() : iamApi();
    const responses = resources(s.service, 'AWS::ApiGateway::GatewayResponse').filter(([, r]) => r.Properties!.RestApiId.Ref === apiId);
    expect(responses.map(([, r]) => r.Properties!.ResponseType)).toEqual(
      expect.arrayContaining(['UNAUTHORIZED', 'ACCESS_DENIED', 'THROTTLED', 'BAD_REQUEST_BODY', 'DEFAULT_4XX', 'DEFAULT_5XX']),
    );
    for (const [, r] of responses) expect(r.Properties!.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
  });

  it('API Gateway has its CloudWatch role before either stage is created', () => {
    const [accountId] = resource(s.service, 'AWS::ApiGateway::Account', 'ApiGatewayAccount');
    for (const [id, stage] of resources(s.service, 'AWS::ApiGateway::Stage'))
      expect(s.service.toJSON().Resources[id].DependsOn ?? stage, id).toContain(accountId);
  });

  it('the invoke policy grants execute-api:Invoke on the IAM API routes only', () => {
    const [, policy] = resource(s.service, 'AWS::IAM::ManagedPolicy', 'InvokePolicy');
    const statements = policy.Properties!.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('execute-api:Invoke');
    expect(statements[0].Resource).toHaveLength(API_ROUTES.length);
    for (const arn of statements[0].Resource) expect(JSON.stringify(arn)).toContain(iamApi());
  });
});

describe('alarms', () => {
  const alarms = () => resources(s.service, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
  const alarm = (metricName: string, match: string) => alarms().find((a) => a.MetricName === metricName && JSON.stringify(a.Dimensions ?? []).includes(match));

  it.each(['SendDlq', 'EventsDlq', 'WebhookDlq'])('%s depth above zero alarms', (queue) => {
    expect(alarm('ApproximateNumberOfMessagesVisible', queue)).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it.each(FUNCTIONS)('%s errors alarm', (name) => {
    expect(alarm('Errors', name)).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it.each(FUNCTIONS)('%s throttles alarm', (name) => {
    expect(alarm('Throttles', name)).toMatchObject({ Threshold: 1 });
  });

  it('bounce rate at 5 % alarms', () => {
    expect(alarm('Reputation.BounceRate', '')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.05, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('complaint rate at 0.1 % alarms', () => {
    expect(alarm('Reputation.ComplaintRate', '')).toMatchObject({
      Namespace: 'AWS/SES',
      Threshold: 0.001,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('a disabled webhook endpoint alarms', () => {
    expect(alarm('webhookEndpointDisabled', 'posthaste-dispatcher')).toMatchObject({ Namespace: 'Posthaste', Threshold: 1 });
  });

  it('half of the webhook attempts failing alarms', () => {
    const rate = alarms().find((a) => a.AlarmDescription?.startsWith('Half or more of the webhook attempts'));
    expect(rate).toMatchObject({ Threshold: 0.5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(JSON.stringify(rate!.Metrics)).toContain('webhookAttemptFailed');
  });

  it('every alarm notifies the alarm topic', () => {
    const [topicId] = resource(s.service, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');
    for (const a of alarms()) expect(a.AlarmActions, a.AlarmDescription).toEqual([{ Ref: topicId }]);
  });

  it('no e-mail subscription without alarmEmail', () => {
    expect(resources(s.service, 'AWS::SNS::Subscription').filter(([, sub]) => sub.Properties!.Protocol === 'email')).toEqual([]);
  });

  it('a dashboard exists', () => {
    s.service.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('outputs', () => {
  it.each(['ApiUrl', 'IamApiUrl', 'UsagePlanId', 'InvokePolicyArn', 'AlarmTopicArn'])('%s', (name) => {
    expect(Object.keys(s.service.findOutputs(name))).toEqual([name]);
  });
});
