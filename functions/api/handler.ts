/**
 * The API Lambda: HTTP requests from both API Gateway front doors (API keys, IAM) to the routes.
 * The Lambda entry: its composition (functions/compose/api.ts) with the Powertools
 * middlewares every function runs with. Nothing else belongs here.
 */
import { composeApi } from '../compose/api.js';
import { lambdaObservability, withPowertools } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-api');

export const handler = withPowertools(composeApi(process.env, observability), observability);
