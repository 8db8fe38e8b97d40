/**
 * The scheduler Lambda: the every-minute EventBridge timer → scheduled messages that fall due are queued.
 * This file is the entry only — compose, then the Powertools middlewares every function has.
 * What lives where: scheduler/sweep-timer.ts turns the Lambda event into use-case calls;
 * compose/scheduler.ts builds the dependencies from the environment (compose/environment.ts);
 * core/ holds the use cases, adapters/ the outside systems. See docs/architecture.md.
 */

import { lambdaObservability, observed } from '../compose/observability.js';
import { composeScheduler } from '../compose/scheduler.js';

const observability = lambdaObservability('posthaste-scheduler');
export const handler = observed(composeScheduler(process.env, observability), observability);
