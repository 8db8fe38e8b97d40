import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * Endpoint overrides for local stand-ins. In Lambda none is set and the SDK resolves the
 * regional endpoints; locally every client points at loopback with dummy credentials.
 */
export interface AwsSettings {
  region: string;
  endpoints?: { dynamodb?: string; sqs?: string; ses?: string; s3?: string; sns?: string; secretsmanager?: string };
  local?: boolean;
  /** Wraps each new client, e.g. Tracer.captureAWSv3Client to trace its calls with X-Ray. */
  instrument?: <T>(client: T) => T;
}

const instrumented = <T>(s: AwsSettings, client: T): T => (s.instrument ? s.instrument(client) : client);

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function clientConfig(settings: AwsSettings, endpoint: string | undefined) {
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
export const sesClient = (s: AwsSettings) => instrumented(s, new SESClient(clientConfig(s, s.endpoints?.ses)));

export function awsSettingsFromEnv(env: Record<string, string | undefined>): AwsSettings {
  const endpoints = {
    ...(env.POSTHASTE_DYNAMODB_ENDPOINT ? { dynamodb: env.POSTHASTE_DYNAMODB_ENDPOINT } : {}),
    ...(env.POSTHASTE_SQS_ENDPOINT ? { sqs: env.POSTHASTE_SQS_ENDPOINT } : {}),
    ...(env.POSTHASTE_SES_ENDPOINT ? { ses: env.POSTHASTE_SES_ENDPOINT } : {}),
    ...(env.POSTHASTE_S3_ENDPOINT ? { s3: env.POSTHASTE_S3_ENDPOINT } : {}),
    ...(env.POSTHASTE_SECRETSMANAGER_ENDPOINT ? { secretsmanager: env.POSTHASTE_SECRETSMANAGER_ENDPOINT } : {}),
  };
  return { region: env.AWS_REGION ?? 'us-east-1', endpoints, local: Object.keys(endpoints).length > 0 };
}
