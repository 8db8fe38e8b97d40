/** What `dlq redrive` reads from the environment; apart from dlq.ts so that `--help` does not load the AWS clients. */
export const DLQ_ENV_HELP = `Environment (stack outputs): QUEUE_URL, DLQ_URL, MESSAGES_TABLE, AWS_REGION and the
usual AWS credentials. Locally also POSTHASTE_SQS_ENDPOINT and POSTHASTE_DYNAMODB_ENDPOINT.`;
