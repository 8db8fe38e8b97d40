/**
 * The deliver Lambda: SQS batches of queued emails → delivery through SES or SMTP.
 * This file is the entry only — compose, then the Powertools middlewares every function has.
 * What lives where: deliver/sqs-batch.ts turns the Lambda event into use-case calls;
 * compose/deliver.ts builds the dependencies from the environment (compose/environment.ts);
 * core/ holds the use cases, adapters/ the outside systems. See docs/architecture.md.
 */
import { composeDeliver } from '../compose/deliver.js';
import { lambdaObservability, observed } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-deliver');
// Top-level await: the transport (SMTP secret, SES client) is set up once per container, at cold start.
export const handler = observed(await composeDeliver(process.env, observability), observability);
