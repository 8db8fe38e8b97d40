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
  /**
   * The name Resend's error table gives the same refusal: every document also carries
   * `statusCode`, `name` and `message` (RFC 9457 extension members), so the `resend` SDK
   * reports a refused key or a throttle with the name an app written for Resend checks.
   */
  resendName: string;
}

export const GATEWAY_PROBLEMS: readonly GatewayProblem[] = [
  {
    type: 'UNAUTHORIZED',
    resendName: 'missing_api_key',
    status: 401,
    code: 'unauthorized',
    title: 'Missing or invalid credentials',
    detail: 'send Authorization: Bearer <api key>; the key may be unknown or revoked',
  },
  { type: 'ACCESS_DENIED', resendName: 'invalid_api_key', status: 403, code: 'forbidden', title: 'Access denied' },
  { type: 'MISSING_AUTHENTICATION_TOKEN', resendName: 'not_found', status: 403, code: 'forbidden', title: 'Missing credentials or unknown route' },
  { type: 'INVALID_SIGNATURE', resendName: 'invalid_api_key', status: 403, code: 'forbidden', title: 'The request signature is invalid' },
  {
    type: 'INVALID_API_KEY',
    resendName: 'invalid_api_key',
    status: 403,
    code: 'forbidden',
    title: 'The API key is not enabled for this API',
    detail: 'the key is not registered with the usage plan (create it with the keys tool)',
  },
  {
    type: 'BAD_REQUEST_BODY',
    resendName: 'validation_error',
    status: 400,
    code: 'invalid_json',
    title: 'The request body must be JSON',
    detail: 'the request body must be a JSON object or array (content-type: application/json)',
  },
  { type: 'BAD_REQUEST_PARAMETERS', resendName: 'validation_error', status: 400, code: 'validation_failed', title: 'The request is invalid' },
  {
    type: 'THROTTLED',
    resendName: 'rate_limit_exceeded',
    status: 429,
    code: 'rate_limited',
    title: 'Too many requests',
    detail: 'slow down and retry with exponential backoff',
  },
  { type: 'QUOTA_EXCEEDED', resendName: 'rate_limit_exceeded', status: 429, code: 'rate_limited', title: 'Quota exceeded' },
  { type: 'REQUEST_TOO_LARGE', resendName: 'validation_error', status: 413, code: 'payload_too_large', title: 'The request is too large' },
  { type: 'DEFAULT_4XX', resendName: 'validation_error', code: 'bad_request', title: 'The request was refused' },
  { type: 'DEFAULT_5XX', resendName: 'application_error', code: 'service_unavailable', title: 'The service is temporarily unavailable' },
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
    // As the deployed template: the DEFAULT_* types have no fixed status, so no statusCode.
    ...(problem.status ? { statusCode: problem.status } : {}),
    name: problem.resendName,
    message: problem.detail ?? message,
  };
}
