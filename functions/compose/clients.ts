/**
 * Every AWS SDK client, made here (and wrapped here when the caller asks: AwsSettings.instrument).
 * The clients only one path needs — SES and Secrets Manager for deliver by
 * transport, API Gateway for the key tool — are imported when first made, so a bundle
 * loads them only when that path runs (see infra/bundling.ts: code splitting).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Env } from './env.js';
import { AWS_CLIENTS, readEnvironment } from './environment.js';

/**
 * Endpoint overrides for local stand-ins. In Lambda none is set and the SDK resolves the
 * regional endpoints; locally every client points at loopback with dummy credentials.
 */
export interface AwsSettings {
  region: string;
  endpoints?: { dynamodb?: string; sqs?: string; ses?: string; s3?: string; secretsmanager?: string; apigateway?: string };
  local?: boolean;
  /** Wraps each new client (bench/ counts each client's requests with it). */
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

export async function sesClient(s: AwsSettings) {
  const { SESClient } = await import('@aws-sdk/client-ses');
  return instrumented(s, new SESClient(clientConfig(s, s.endpoints?.ses)));
}

export async function secretsManagerClient(s: AwsSettings) {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  return instrumented(s, new SecretsManagerClient(clientConfig(s, s.endpoints?.secretsmanager)));
}

export async function apiGatewayClient(s: AwsSettings) {
  const { APIGatewayClient } = await import('@aws-sdk/client-api-gateway');
  return instrumented(s, new APIGatewayClient(clientConfig(s, s.endpoints?.apigateway)));
}

/** The region and, locally, the stand-ins' endpoints (POSTHASTE_*_ENDPOINT). */
export function awsSettingsFromEnv(env: Env): AwsSettings {
  const settings = readEnvironment(AWS_CLIENTS, env);
  const given = {
    dynamodb: settings.POSTHASTE_DYNAMODB_ENDPOINT,
    sqs: settings.POSTHASTE_SQS_ENDPOINT,
    ses: settings.POSTHASTE_SES_ENDPOINT,
    s3: settings.POSTHASTE_S3_ENDPOINT,
    secretsmanager: settings.POSTHASTE_SECRETSMANAGER_ENDPOINT,
    apigateway: settings.POSTHASTE_APIGATEWAY_ENDPOINT,
  };
  const endpoints = Object.fromEntries(Object.entries(given).filter(([, url]) => url !== undefined)) as NonNullable<AwsSettings['endpoints']>;
  // An API Gateway override alone (the key tool against a stub) still signs with the real credentials.
  const local = Object.keys(endpoints).some((service) => service !== 'apigateway');
  return { region: settings.AWS_REGION, endpoints, local };
}
