/**
 * Every AWS SDK client Posthaste creates, configured and instrumented here and nowhere else.
 * The SES and Secrets Manager clients are loaded on demand (dynamic `import()`): only the
 * deliver function's configured transport needs one, and the bundler then puts each in a
 * chunk of its own, so a function that never asks for one never loads it.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_VARIABLES, type Env, readVariables } from './environment.js';

/**
 * Endpoint overrides for local stand-ins. In Lambda none is set and the SDK resolves the
 * regional endpoints; locally every client points at loopback with dummy credentials.
 */
export interface AwsSettings {
  region: string;
  endpoints?: { dynamodb?: string; sqs?: string; ses?: string; s3?: string; secretsmanager?: string; apigateway?: string };
  local?: boolean;
  /** Wraps each new client, e.g. Tracer.captureAWSv3Client to trace its calls with X-Ray. */
  instrument?: <T>(client: T) => T;
}

const instrumented = <T>(s: AwsSettings, client: T): T => (s.instrument ? s.instrument(client) : client);

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function clientConfig(settings: AwsSettings, endpoint: string | undefined) {
  return {
    region: settings.region,
    ...(endpoint ? { endpoint } : {}),
    ...(settings.local ? { credentials: LOCAL_CREDENTIALS } : {}),
    maxAttempts: 3,
  };
}

export const dynamoClient = (s: AwsSettings) => instrumented(s, new DynamoDBClient(clientConfig(s, s.endpoints?.dynamodb)));
export const sqsClient = (s: AwsSettings) => instrumented(s, new SQSClient(clientConfig(s, s.endpoints?.sqs)));
// Path-style addressing locally: the stand-in has no wildcard DNS for bucket subdomains.
export const s3Client = (s: AwsSettings) => instrumented(s, new S3Client({ ...clientConfig(s, s.endpoints?.s3), forcePathStyle: Boolean(s.endpoints?.s3) }));

export async function sesClient(s: AwsSettings): Promise<SESClient> {
  const { SESClient } = await import('@aws-sdk/client-ses');
  return instrumented(s, new SESClient(clientConfig(s, s.endpoints?.ses)));
}

export async function secretsManagerClient(s: AwsSettings): Promise<SecretsManagerClient> {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  return instrumented(s, new SecretsManagerClient(clientConfig(s, s.endpoints?.secretsmanager)));
}

/** For the keys tool only (usage plans); never part of a function. */
export async function apiGatewayClient(s: AwsSettings): Promise<APIGatewayClient> {
  const { APIGatewayClient } = await import('@aws-sdk/client-api-gateway');
  return instrumented(s, new APIGatewayClient(clientConfig(s, s.endpoints?.apigateway)));
}

export function awsSettingsFromEnv(env: Env, instrument?: AwsSettings['instrument']): AwsSettings {
  const read = readVariables(AWS_VARIABLES, env);
  const endpoints = Object.fromEntries(
    Object.entries({
      dynamodb: read.POSTHASTE_DYNAMODB_ENDPOINT,
      sqs: read.POSTHASTE_SQS_ENDPOINT,
      ses: read.POSTHASTE_SES_ENDPOINT,
      s3: read.POSTHASTE_S3_ENDPOINT,
      secretsmanager: read.POSTHASTE_SECRETSMANAGER_ENDPOINT,
      apigateway: read.POSTHASTE_APIGATEWAY_ENDPOINT,
    }).filter(([, url]) => url !== undefined),
  ) as NonNullable<AwsSettings['endpoints']>;
  return { region: read.AWS_REGION ?? 'us-east-1', endpoints, local: Object.keys(endpoints).length > 0, ...(instrument ? { instrument } : {}) };
}
