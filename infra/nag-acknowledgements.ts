import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import type { DataStack } from './data-stack.js';
import type { ServiceStack } from './service-stack.js';

/** The finding id cdk-nag gives a wildcard resource in a policy, e.g. `AwsSolutions-IAM5[Resource::arn:…/*]`. */
function wildcardFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

function ack(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Every AWS Solutions finding this app accepts, each on the narrowest construct it
 * concerns and with the reason it is accepted. test/infra runs the checks and fails on
 * any finding not listed here.
 */
export function acknowledgeNagFindings(data: DataStack, service: ServiceStack): void {
  ack(
    data.eventsDlq,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter queue: of the events function (failed asynchronous invocations) and of its SNS subscription.',
  );
  ack(
    data.payloadBucket,
    'AwsSolutions-S1',
    'Only the api, deliver and scheduler function roles can reach the bucket (private, TLS-only, objects expire); server access logs would need a second bucket that holds recipient data in its log lines. Enable CloudTrail S3 data events if an audit trail of object access is required.',
  );

  for (const fn of Object.values(service.functions)) {
    ack(
      fn.fn,
      'AwsSolutions-L1',
      'Pinned to Node.js 22, the runtime the code and its dependencies are built and tested for (target node22); moving to a newer runtime is a deliberate change with its own test run.',
    );
    ack(
      fn.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only for actions that have no resource type and can be granted on "*" alone: xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and, for deliver with SES, ses:GetSendQuota.',
    );
  }
  for (const fn of [service.functions.api, service.functions.deliver, service.functions.scheduler]) {
    ack(
      fn.role,
      wildcardFinding(fn.role, service.payloadObjects),
      'Payload objects are named by message ids created at run time; api may only put them, deliver may only get and delete them, the scheduler reads, hands on and removes scheduled requests — only in the payload bucket.',
    );
  }
  for (const fn of [service.functions.api, service.functions.deliver]) {
    ack(
      fn.role,
      wildcardFinding(fn.role, service.sentContentObjects),
      'What each message sent is one object named by its message id, created at run time; deliver may only put it, api may only get it — only under content/ in the payload bucket, which expires it.',
    );
  }
  const config = service.config;
  if (config.transport === 'ses' && config.allowedSenderDomains.length === 0) {
    const anyIdentity = Stack.of(service).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
    ack(
      service.functions.deliver.role,
      wildcardFinding(service, anyIdentity),
      'No allowedSenderDomains are configured, so deliver may send as any SES identity verified in this account (SES itself refuses unverified ones). Set allowedSenderDomains (or domain) to narrow the grant to those identities.',
    );
  }
  for (const arn of service.iamApi.routeArns.filter((a) => a.includes('*'))) {
    ack(
      service.invokePolicy,
      wildcardFinding(service, arn),
      'The wildcard stands for the path parameter of one route ({id} or {address}); method, path and stage are fixed.',
    );
  }
  ack(
    service.node.findChild('ApiGatewayCloudWatchRole'),
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    "API Gateway's account-level logging role; AWS maintains this policy for exactly this purpose, and API Gateway names the log groups it writes to itself.",
  );
  for (const api of [service.keyApi, service.iamApi]) {
    ack(
      api.api.deploymentStage,
      'AwsSolutions-APIG3',
      'A WAF web ACL is left to the operator (it has a monthly cost and rules depend on the caller base); abuse is bounded by authentication on every method, stage throttling and, for API keys, per-key usage plan throttling. Associate a web ACL with the stage to add one.',
    );
    ack(
      api.api,
      'AwsSolutions-COG4',
      'Callers authenticate with IAM (SigV4) on the IAM API, or with API keys checked by a Lambda authorizer on the key API; there is no end-user pool, so Cognito does not apply.',
    );
  }
}
