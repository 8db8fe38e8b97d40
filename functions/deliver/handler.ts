/**
 * The deliver Lambda: batches from the send queue, delivered through the configured transport.
 * The Lambda entry: its composition (functions/compose/deliver.ts) with the Powertools
 * middlewares every function runs with. Nothing else belongs here.
 * Top-level await: the transport (SMTP secret, SES client) is set up once per container, at cold start.
 */
import { composeDeliver } from '../compose/deliver.js';
import { lambdaObservability, withPowertools } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-deliver');

export const handler = withPowertools(await composeDeliver(process.env, observability), observability);
