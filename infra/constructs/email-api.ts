import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import { GATEWAY_PROBLEMS, type GatewayProblem } from '../../functions/api/gateway-problems.js';
import { API_ROUTES, pathParameters } from '../api-routes.js';
import { retentionFor } from './posthaste-function.js';

export const STAGE_NAME = 'live';

/**
 * How callers of this API prove who they are. API Gateway allows one authorization type
 * per method, so each mode is its own REST API with the same routes and the same function:
 *  - `apiKey`: `Authorization: Bearer ph_…`, checked by the Lambda REQUEST authorizer;
 *    each key is metered and throttled by the usage plan (the authorizer names the key).
 *  - `iam`: SigV4-signed requests from AWS principals holding `execute-api:Invoke`.
 */
export type ApiAuth = { kind: 'apiKey'; authorizer: lambda.IFunction; cacheSeconds: number; keyRateLimit: number; keyBurstLimit: number } | { kind: 'iam' };

export interface EmailApiProps {
  auth: ApiAuth;
  handler: lambda.IFunction;
  rateLimit: number;
  burstLimit: number;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  /** The account's API Gateway CloudWatch role: a stage with logging cannot exist before it. */
  cloudWatchAccount: IDependable;
}

/**
 * problem+json for the answers API Gateway gives itself, so clients parse one error format.
 * `$context.error.messageString` is API Gateway's message, already a quoted JSON string.
 */
function problem({ status, code, title, detail, resendName }: GatewayProblem): string {
  const statusField = status ? `"status":${status},` : '';
  const detailJson = detail === undefined ? '$context.error.messageString' : JSON.stringify(detail);
  const resendFields = `${status ? `"statusCode":${status},` : ''}"name":"${resendName}","message":${detailJson}`;
  return `{"type":"urn:posthaste:problem:${code}","title":"${title}",${statusField}"code":"${code}","detail":${detailJson},"instance":"$context.requestId",${resendFields}}`;
}

/**
 * A REST API in front of the api function: every route of API_ROUTES, each method
 * authenticated, bodies and path parameters validated, JSON access logs, X-Ray, stage
 * throttling, problem+json for gateway errors.
 */
export class EmailApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;
  readonly usagePlan?: apigw.UsagePlan;
  /** Method ARNs of every route, for `execute-api:Invoke` grants. */
  readonly routeArns: string[] = [];

  constructor(scope: Construct, id: string, props: EmailApiProps) {
    super(scope, id);
    const { auth } = props;
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: retentionFor(props.logRetentionDays), removalPolicy: props.removalPolicy });

    this.api = new apigw.RestApi(this, 'Api', {
      description: auth.kind === 'iam' ? 'Posthaste API for AWS callers (SigV4)' : 'Posthaste API for API-key callers',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deploy: true,
      ...(auth.kind === 'apiKey' ? { apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER } : {}),
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // would log request bodies: e-mail content and addresses
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            caller: '$context.authorizer.principalId',
            iamCaller: '$context.identity.userArn',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integration.latency',
            error: '$context.error.message',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.api.deploymentStage.node.addDependency(props.cloudWatchAccount);

    for (const entry of GATEWAY_PROBLEMS) {
      const type = apigw.ResponseType.of(entry.type);
      this.api.addGatewayResponse(`Problem${type.responseType}`, {
        type,
        ...(entry.status ? { statusCode: String(entry.status) } : {}),
        responseHeaders: { 'Content-Type': "'application/problem+json'" },
        templates: { 'application/json': problem(entry) },
      });
    }

    const authorizer =
      auth.kind === 'apiKey'
        ? new apigw.RequestAuthorizer(this, 'KeyAuthorizer', {
            handler: auth.authorizer,
            identitySources: [apigw.IdentitySource.header('Authorization')],
            resultsCacheTtl: Duration.seconds(auth.cacheSeconds),
          })
        : undefined;
    const methodAuth: apigw.MethodOptions = authorizer
      ? { authorizationType: apigw.AuthorizationType.CUSTOM, authorizer, apiKeyRequired: true }
      : { authorizationType: apigw.AuthorizationType.IAM };

    const validator = new apigw.RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const jsonDocument = this.api.addModel('JsonDocument', {
      contentType: 'application/json',
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, type: [apigw.JsonSchemaType.OBJECT, apigw.JsonSchemaType.ARRAY] },
      description: 'A JSON object (or an array, for batches): the function validates the fields and names the failing one',
    });
    const integration = new apigw.LambdaIntegration(props.handler, { proxy: true, allowTestInvoke: false });

    for (const route of API_ROUTES) {
      const resource = this.api.root.resourceForPath(route.path);
      resource.addMethod(route.method, integration, {
        ...methodAuth,
        requestValidator: validator,
        requestParameters: Object.fromEntries(pathParameters(route.path).map((p) => [`method.request.path.${p}`, true])),
        ...(route.jsonBody ? { requestModels: { 'application/json': jsonDocument } } : {}),
      });
      this.routeArns.push(this.api.arnForExecuteApi(route.method, route.path.replace(/\{\w+\+?\}/g, '*'), STAGE_NAME));
    }

    if (auth.kind === 'apiKey') {
      this.usagePlan = this.api.addUsagePlan('PerKeyPlan', {
        description: 'Throttle applied to each Posthaste API key separately',
        throttle: { rateLimit: auth.keyRateLimit, burstLimit: auth.keyBurstLimit },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
    }
  }

  /** Lets a principal call every route (IAM mode). */
  grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: this.routeArns });
  }
}
