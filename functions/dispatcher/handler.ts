/**
 * The dispatcher Lambda: batches from the webhook queue — events fanned out to endpoints,
 * deliveries posted signed and retried on their schedule.
 * The Lambda entry: its composition (functions/compose/dispatcher.ts) with the Powertools
 * middlewares every function runs with. Nothing else belongs here.
 */
import { composeDispatcher } from '../compose/dispatcher.js';
import { lambdaObservability, withPowertools } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-dispatcher');

export const handler = withPowertools(composeDispatcher(process.env, observability), observability);
