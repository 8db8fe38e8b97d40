/**
 * The API-key authorizer Lambda: a Bearer key in, an IAM policy (or 401) out.
 * The Lambda entry: its composition (functions/compose/authorizer.ts) with the Powertools
 * middlewares every function runs with. Nothing else belongs here.
 */
import { composeAuthorizer } from '../compose/authorizer.js';
import { lambdaObservability, withPowertools } from '../compose/observability.js';

const observability = lambdaObservability('posthaste-authorizer');

export const handler = withPowertools(composeAuthorizer(process.env, observability), observability);
