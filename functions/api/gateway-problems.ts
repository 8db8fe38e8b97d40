/**
 * The answers API Gateway gives itself, before or instead of the api function (no key, a
 * throttled caller, a body over its limit). One table: the deployed REST API renders each
 * as a gateway response template, and the local gateway answers with the same documents,
 * so a client parses one problem+json format in both places.
 */
export type GatewayProblemType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'INVALID_SIGNATURE'
  | 'INVALID_API_KEY'
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'REQUEST_TOO_LARGE'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

export interface GatewayProblem {
  /** API Gateway's response type (aws-apigateway ResponseType). */
  type: GatewayProblemType;
  /** Absent for the DEFAULT_* types: API Gateway keeps the status of the error it met. */
  status?: number;
  code: string;
  title: string;
  /** Absent: API Gateway's own message goes into `detail`. */
  detail?: string;
}

export const GATEWAY_PROBLEMS: readonly GatewayProblem[] = [
  {
    type: 'UNAUTHORIZED',
    status: 401,
    code: 'unauthorized',
    title: 'Missing or invalid credentials',
    detail: 'send Authorization: Bearer <api key>; the key may be unknown or revoked',
  },
  { type: 'ACCESS_DENIED', status: 403, code: 'forbidden', title: 'Access denied' },
  { type: 'MISSING_AUTHENTICATION_TOKEN', status: 403, code: 'forbidden', title: 'Missing credentials or unknown route' },
  { type: 'INVALID_SIGNATURE', status: 403, code: 'forbidden', title: 'The request signature is invalid' },
  {
    type: 'INVALID_API_KEY',
    status: 403,
    code: 'forbidden',
    title: 'The API key is not enabled for this API',
    detail: 'the key is not registered with the usage plan (create it with the keys tool)',
  },
  {
    type: 'BAD_REQUEST_BODY',
    status: 400,
    code: 'invalid_json',
    title: 'The request body must be JSON',
    detail: 'the request body must be a JSON object or array (content-type: application/json)',
  },
  { type: 'BAD_REQUEST_PARAMETERS', status: 400, code: 'validation_failed', title: 'The request is invalid' },
  { type: 'THROTTLED', status: 429, code: 'rate_limited', title: 'Too many requests', detail: 'slow down and retry with exponential backoff' },
  { type: 'QUOTA_EXCEEDED', status: 429, code: 'rate_limited', title: 'Quota exceeded' },
  { type: 'REQUEST_TOO_LARGE', status: 413, code: 'payload_too_large', title: 'The request is too large' },
  { type: 'DEFAULT_4XX', code: 'bad_request', title: 'The request was refused' },
  { type: 'DEFAULT_5XX', code: 'service_unavailable', title: 'The service is temporarily unavailable' },
];

export const gatewayProblem = (type: GatewayProblemType): GatewayProblem => GATEWAY_PROBLEMS.find((p) => p.type === type)!;

/** The document the local gateway sends, as the deployed template renders it. */
export function gatewayProblemDocument(type: GatewayProblemType, status: number, requestId: string, message: string): Record<string, unknown> {
  const problem = gatewayProblem(type);
  return {
    type: `urn:posthaste:problem:${problem.code}`,
    title: problem.title,
    status: problem.status ?? status,
    code: problem.code,
    detail: problem.detail ?? message,
    instance: requestId,
  };
}
