import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerIn } from '../api/http.js';
import { checkApiKey } from '../core/api-key-admin.js';
import type { Log } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';
import type { ApiKeyStore } from '../core/ports.js';

/** API Gateway answers 401 when a REQUEST authorizer fails with exactly this message. */
export const UNAUTHORIZED = 'Unauthorized';

/**
 * Everything in this API and stage (`<api>/<stage>/*`): the answer is cached per key for
 * every route, not only the one that asked first.
 */
export function stageWildcard(methodArn: string): string {
  const [prefix, stage] = methodArn.split('/');
  return `${prefix}/${stage}/*`;
}

/**
 * The REQUEST authorizer of the API-key front door: `Authorization: Bearer ph_<id>_<secret>`
 * is looked up by id, its hash compared in constant time, revoked keys refused. The key id
 * becomes the principal (it scopes idempotency keys) and the usage identifier names the
 * key's usage plan entry, so API Gateway throttles each key on its own.
 */
export function createAuthorizerHandler(store: Pick<ApiKeyStore, 'get'>, log: Log, metrics?: Metrics) {
  return middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>().handler(async (event) => {
    const result = await checkApiKey(store, headerIn(event.headers, 'authorization'));
    metrics?.count(result.ok ? 'apiKeyAccepted' : 'apiKeyRefused');
    if (!result.ok) {
      log('info', 'API key refused', { reason: result.reason, requestId: event.requestContext?.requestId });
      throw new Error(UNAUTHORIZED);
    }
    const { keyId, usageKey } = result.record;
    return {
      principalId: `key:${keyId}`,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageWildcard(event.methodArn) }],
      },
      context: { keyId, keyName: result.record.name },
      ...(usageKey ? { usageIdentifierKey: usageKey } : {}),
    };
  });
}
