/**
 * The scheduler Lambda: run every minute, hands scheduled messages that fall due to the send queue.
 * The Lambda entry: its composition (functions/compose/scheduler.ts) with the Powertools
 * middlewares every function runs with. Nothing else belongs here.
 */

import { lambdaObservability, withPowertools } from '../compose/observability.js';
import { composeScheduler } from '../compose/scheduler.js';

const observability = lambdaObservability('posthaste-scheduler');

export const handler = withPowertools(composeScheduler(process.env, observability), observability);
