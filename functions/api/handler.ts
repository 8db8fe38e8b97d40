/**
 * The api Lambda: API Gateway proxy events → the HTTP API (routes in api/routes.ts).
 * This file is the entry only — compose, then the Powertools middlewares every function has.
 * What lives where: api/api-gateway-adapter.ts turns the Lambda event into use-case calls;
 * compose/api.ts builds the dependencies from the environment (compose/environment.ts);
 * core/ holds the use cases, adapters/ the outside systems. See docs/architecture.md.
 */
import { composeApi } from '../compose/api.js';
import { lambdaObservability, observed } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-api');
export const handler = observed(composeApi(process.env, observability), observability);
