import { readFileSync } from 'node:fs';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, SNSEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/compose/clients.js';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { lambdaContext } from '../../local/sqs-poller.js';

/**
 * The Lambda handlers as deployed (Powertools Logger, Metrics, Tracer middlewares), run
 * against the local stand-ins; what they print on stdout is what CloudWatch would ingest.
 */
let pipeline: Pipeline;
let stdout: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);

const jsonLines = () =>
  stdout
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
const emf = () => jsonLines().filter((l) => l._aws?.CloudWatchMetrics);
const metricNames = (line: Record<string, any>) => line._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name);

beforeAll(async () => {
  // No poller: the test hands the queue message to the deliver handler itself.
  pipeline = await startPipeline({ deliverConcurrency: 0, scheduleSweepMs: 0, log: () => silentLog });
  Object.assign(process.env, pipeline.env, {
    AWS_REGION: 'us-east-1',
    POSTHASTE_DYNAMODB_ENDPOINT: pipeline.aws.endpoints!.dynamodb,
    POSTHASTE_SQS_ENDPOINT: pipeline.aws.endpoints!.sqs,
    SMTP_URL: `smtp://127.0.0.1:${pipeline.sink!.port}?tls=none`,
  });
  process.stdout.write = ((chunk: string | Uint8Array, ..._rest: unknown[]) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stdout.write;
});

afterAll(async () => {
  process.stdout.write = realWrite;
  // The deliver handler's pooled SMTP connection lives as long as its module (as in a warm
  // Lambda); the sink would wait out its 30 s close grace for it, so stop does not wait for that.
  await Promise.race([pipeline?.stop(), new Promise((r) => setTimeout(r, 3000))]);
});

describe('Lambda observability', () => {
  it('emits EMF metrics and correlated JSON logs from API to deliver for one send', async () => {
    const { handler: api } = await import('../../functions/api/handler.js');
    const event = {
      httpMethod: 'POST',
      path: '/v1/emails',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'a@example.com', to: 'b@example.org', subject: 'metrics', text: 'x' }),
      isBase64Encoded: false,
      requestContext: { requestId: 'req-1', authorizer: { principalId: 'test' } },
    } as unknown as APIGatewayProxyEvent;
    const response = await api(event, lambdaContext('posthaste-api'));
    expect(response.statusCode).toBe(202);
    const id = JSON.parse(response.body).id as string;

    const accepted = emf().find((l) => metricNames(l).includes('accepted'));
    expect(accepted).toBeDefined();
    expect(accepted!.accepted).toBe(1);
    expect(accepted!._aws.CloudWatchMetrics[0].Namespace).toBe('Posthaste');
    expect(accepted!.service).toBe('posthaste-api');
    expect(jsonLines().find((l) => l.message === 'accepted')).toMatchObject({ level: 'INFO', service: 'posthaste-api', correlation_id: id, messageId: id });

    const out = await sqsClient(pipeline.aws).send(
      new ReceiveMessageCommand({ QueueUrl: pipeline.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 2, MessageSystemAttributeNames: ['All'] }),
    );
    const message = out.Messages![0]!;
    const sqsEvent = {
      Records: [
        {
          messageId: message.MessageId!,
          receiptHandle: message.ReceiptHandle!,
          body: message.Body!,
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: message.Attributes!.SentTimestamp! },
          eventSource: 'aws:sqs',
        },
      ],
    } as unknown as SQSEvent;
    stdout = [];
    const { handler: deliver } = await import('../../functions/deliver/handler.js');
    expect(await deliver(sqsEvent, lambdaContext('posthaste-deliver'))).toEqual({ batchItemFailures: [] });

    const sent = emf().find((l) => metricNames(l).includes('sent'));
    expect(sent).toBeDefined();
    expect(sent!.sent).toBe(1);
    expect(metricNames(sent!)).toContain('queueToSentLatency');
    expect(sent!.queueToSentLatency).toBeGreaterThanOrEqual(0);
    expect(sent!.queueToSentLatency).toBeLessThan(10_000);
    expect(sent!._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: 'queueToSentLatency', Unit: 'Milliseconds' });
    expect(jsonLines().find((l) => l.message === 'sent')).toMatchObject({
      service: 'posthaste-deliver',
      correlation_id: id,
      function_name: 'posthaste-deliver',
    });
  });

  it('counts a bounce once per recipient from the events function, and nothing for a redelivery', async () => {
    const { handler: events } = await import('../../functions/events/handler.js');
    const notification = JSON.parse(readFileSync('test/fixtures/ses/identity-bounce-with-dsn.json', 'utf8')) as { mail: { messageId: string } };
    notification.mail.messageId = `obs-${Date.now()}`;
    const snsEvent = {
      Records: [{ EventSource: 'aws:sns', Sns: { Type: 'Notification', TopicArn: process.env.SES_EVENTS_TOPIC_ARN, Message: JSON.stringify(notification) } }],
    } as unknown as SNSEvent;
    stdout = [];
    await events(snsEvent, lambdaContext('posthaste-events'));
    const first = emf().find((l) => metricNames(l).includes('bounced'));
    expect(first).toBeDefined();
    expect(first!.bounced).toBeGreaterThanOrEqual(1);
    expect(first!.service).toBe('posthaste-events');
    stdout = [];
    await events(snsEvent, lambdaContext('posthaste-events'));
    expect(emf().some((l) => metricNames(l).includes('bounced'))).toBe(false);
  });
});
