import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { type AwsSettings, dynamoClient } from '../../functions/compose/clients.js';
import { LOCAL_TOPIC_ARN } from '../../local/sns-event.js';
import { ensureTables, LOCAL_TABLES } from '../../local/tables.js';

export interface LocalDynamo {
  aws: AwsSettings;
  /** The table variables the functions read. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** dynalite on a free loopback port with Posthaste's tables. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const aws: AwsSettings = { region: 'us-east-1', local: true, endpoints: { dynamodb: `http://127.0.0.1:${port}` } };
  await ensureTables(dynamoClient(aws));
  return {
    aws,
    env: {
      MESSAGES_TABLE: LOCAL_TABLES.messages,
      FEEDBACK_TABLE: LOCAL_TABLES.feedback,
      SUPPRESSIONS_TABLE: LOCAL_TABLES.suppressions,
      IDEMPOTENCY_TABLE: LOCAL_TABLES.idempotency,
      TEMPLATES_TABLE: LOCAL_TABLES.templates,
      WEBHOOKS_TABLE: LOCAL_TABLES.webhooks,
      WEBHOOK_DELIVERIES_TABLE: LOCAL_TABLES.webhookDeliveries,
      // Nothing listens here: a test that needs the webhook queue starts one; emitting to this one fails and leaves the outbox mark.
      WEBHOOK_QUEUE_URL: 'http://127.0.0.1:9/000000000000/posthaste-webhooks',
      SES_EVENTS_TOPIC_ARN: LOCAL_TOPIC_ARN,
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
