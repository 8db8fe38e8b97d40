import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface ApiCall {
  method?: string;
  path: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Sent as given; `content-type: application/json` is added for a body unless a content-type is named (undefined leaves it out). */
  headers?: Record<string, string | undefined>;
  query?: Record<string, string>;
}

/** The proxy event API Gateway would hand the api function for this call. */
export function apiEvent({ method = 'POST', path, body, headers = {}, query }: ApiCall): APIGatewayProxyEvent {
  const named = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  const all: Record<string, string | undefined> = body !== undefined && !named ? { 'content-type': 'application/json', ...headers } : headers;
  const sent = Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: sent,
    multiValueHeaders: {},
    queryStringParameters: query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'test', authorizer: { principalId: 'tester' } } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}
