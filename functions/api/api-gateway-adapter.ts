import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PosthasteError } from '../core/errors.js';
import { describeError, type Log } from '../core/log.js';
import type { ApiDeps } from './deps.js';
import { type HttpRequest, problemResponse } from './http.js';
import { route } from './router.js';

export function toHttpRequest(event: APIGatewayProxyEvent): HttpRequest {
  const ctx = event.requestContext;
  const principal = String(ctx?.authorizer?.principalId ?? ctx?.identity?.userArn ?? ctx?.identity?.apiKeyId ?? 'anonymous');
  const body = event.body === null || event.body === undefined ? null : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    headers: event.headers ?? {},
    query: (event.queryStringParameters ?? {}) as Record<string, string | undefined>,
    body,
    principal,
    requestId: ctx?.requestId ?? 'local',
  };
}

/**
 * The API Lambda: middy wiring around the router. Every failure becomes a problem+json
 * response; only faults of ours (a store outage) are 5xx, and they say so.
 */
export function createApiHandler(deps: ApiDeps, log: Log) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(async (event) => {
    const req = toHttpRequest(event);
    try {
      return await route(req, deps);
    } catch (error) {
      if (error instanceof PosthasteError) {
        if (error.status >= 500) log('error', error.message, { code: error.code, path: req.path, error: describeError(error.cause ?? error) });
        return problemResponse(error, req.requestId);
      }
      log('error', 'unhandled error in API', { error: describeError(error), stack: error instanceof Error ? error.stack : undefined, path: req.path });
      return problemResponse(new PosthasteError('internal_error', 'an internal error occurred; it has been logged'), req.requestId);
    }
  });
}
