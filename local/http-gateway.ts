import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type GatewayProblemType, gatewayProblemDocument } from '../functions/api/gateway-problems.js';
import { foreignRequest } from './foreign-request.js';
import { readBody } from './read-body.js';
import { lambdaContext } from './sqs-poller.js';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's payload limit: larger requests never reach the function. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Gateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function toProxyEvent(
  req: IncomingMessage,
  body: Buffer,
  principalId: string | undefined,
  requestId: string = crypto.randomUUID(),
): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query = Object.fromEntries(url.searchParams);
  const isText = body.length === 0 || !body.includes(0);
  return {
    resource: url.pathname,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: principalId ? { principalId } : null,
      protocol: 'HTTP/1.1',
      httpMethod: req.method ?? 'GET',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: url.pathname,
    },
  };
}

export interface GatewayOptions {
  handler: ProxyHandler;
  port?: number;
  /**
   * Browser origins allowed to call the API besides the gateway's own (POSTHASTE_ALLOWED_ORIGINS).
   * Any other `Origin` is refused, and so is a `Host` that is not this machine: otherwise any
   * web page a developer opens could post mail through their `npm start` (a form post needs
   * no CORS preflight) or reach it through DNS rebinding.
   */
  allowedOrigins?: string[];
  /**
   * What API Gateway's authorizer does before the function runs: return a principal id
   * to let the request through, or a status (401/403) to refuse it.
   */
  authorize?: (headers: Record<string, string | string[] | undefined>) => Promise<{ principalId: string } | { status: 401 | 403; message: string }>;
  /** Pages served beside the API (the console): answers and returns true for its own paths, before any key is asked for. */
  pages?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Turns HTTP requests into API Gateway (REST, proxy integration) events for the API function. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server: Server = createServer(async (req, res) => {
    const requestId = crypto.randomUUID();
    /** What API Gateway answers itself: the same problem+json documents as the deployed stage. */
    const refuse = (type: GatewayProblemType, status: number, message: string, extra: Record<string, string> = {}) => {
      const document = JSON.stringify(gatewayProblemDocument(type, status, requestId, message));
      res.writeHead(status, { 'content-type': 'application/problem+json', ...extra }).end(document);
    };
    try {
      const foreign = foreignRequest(req, server, options.allowedOrigins ?? []);
      if (foreign) return refuse('ACCESS_DENIED', 403, foreign);
      if (options.pages?.(req, res)) return;
      const body = await readBody(req, MAX_BODY_BYTES);
      if (!body) return refuse('REQUEST_TOO_LARGE', 413, 'Request Too Long', { connection: 'close' });
      let principalId = 'local';
      if (options.authorize) {
        const verdict = await options.authorize(req.headers);
        if ('status' in verdict) return refuse(verdict.status === 401 ? 'UNAUTHORIZED' : 'ACCESS_DENIED', verdict.status, verdict.message);
        principalId = verdict.principalId;
      }
      const result = await options.handler(toProxyEvent(req, body, principalId, requestId), lambdaContext('posthaste-api', 29_000));
      const responseBody = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '');
      res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>), 'content-length': String(responseBody.length) });
      res.end(responseBody);
    } catch (error) {
      // API Gateway answers 502 when the integration itself fails.
      refuse('DEFAULT_5XX', 502, 'Internal server error');
      console.error('API function crashed:', error);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
