/**
 * The events Lambda: SES notifications from SNS → bounces, complaints, suppressions, status.
 * This file is the entry only — compose, then the Powertools middlewares every function has.
 * What lives where: events/sns-notifications.ts turns the Lambda event into use-case calls;
 * compose/events.ts builds the dependencies from the environment (compose/environment.ts);
 * core/ holds the use cases, adapters/ the outside systems. See docs/architecture.md.
 */
import { composeEvents } from '../compose/events.js';
import { lambdaObservability, observed } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-events');
export const handler = observed(composeEvents(process.env, observability), observability);
