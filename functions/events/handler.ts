/**
 * The events Lambda: SES notifications from SNS into feedback records, suppressions and status.
 * The Lambda entry: its composition (functions/compose/events.ts) with the Powertools
 * middlewares every function runs with. Nothing else belongs here.
 */
import { composeEvents } from '../compose/events.js';
import { lambdaObservability, withPowertools } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-events');

export const handler = withPowertools(composeEvents(process.env, observability), observability);
