/**
 * The authorizer Lambda: API Gateway's REQUEST authorizer → an API key checked against the apiKeys table.
 * This file is the entry only — compose, then the Powertools middlewares every function has.
 * What lives where: authorizer/token-authorizer.ts turns the Lambda event into use-case calls;
 * compose/authorizer.ts builds the dependencies from the environment (compose/environment.ts);
 * core/ holds the use cases, adapters/ the outside systems. See docs/architecture.md.
 */
import { composeAuthorizer } from '../compose/authorizer.js';
import { lambdaObservability, observed } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-authorizer');
export const handler = observed(composeAuthorizer(process.env, observability), observability);
