/**
 * Accept path: POST /v1/emails through the local HTTP gateway with the stand-ins (dynalite,
 * fauxqs) under autocannon, and the API handler's own CPU per request with in-memory ports.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { v7 as uuidv7 } from 'uuid';
import { createApiHandler } from '../functions/api/api-gateway-adapter.js';
import { silentLog } from '../functions/core/log.js';
import type { IdempotencyGuard } from '../functions/core/ports.js';
import { systemClock } from '../functions/core/ports.js';
import { startPipeline } from '../local/pipeline.js';
import { MemoryMessageStore, MemoryQueue, unreachable } from '../test/helpers/memory-ports.js';
import { startChild } from './lib/child.js';
import { TRANSACTIONAL } from './lib/messages.js';
import { measured, median, round } from './lib/stats.js';

export interface AcceptResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  connections: number;
  seconds: number;
  non2xx: number;
  errors: number;
  /** The handler alone (parse, validate, record, enqueue) with in-memory ports. */
  handler_cpu_us: number;
  handler_cpu_us_idempotent: number;
}

const BODY = JSON.stringify(TRANSACTIONAL);

/** Runs the work once per key and replays its result: the in-memory shape of the idempotency table. */
class MemoryIdempotency implements IdempotencyGuard {
  private readonly done = new Map<string, object>();
  async run<T extends object>(key: string, _fingerprint: unknown, work: () => Promise<T>): Promise<T> {
    const previous = this.done.get(key);
    if (previous) return previous as T;
    const result = await work();
    this.done.set(key, result);
    return result;
  }
}

interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

async function load(url: string, seconds: number, connections: number): Promise<LoadResult> {
  const options = { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY, connections, duration: seconds };
  const child = await startChild<LoadResult>('load.ts', [JSON.stringify(options)]);
  await child.stop();
  return child.info;
}

function proxyEvent(headers: Record<string, string>): APIGatewayProxyEvent {
  return {
    resource: '/v1/emails',
    path: '/v1/emails',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: BODY,
    isBase64Encoded: false,
    requestContext: { authorizer: { principalId: 'bench' }, requestId: 'bench' } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** CPU microseconds per request of the API handler alone, median of `rounds`. */
async function handlerCpu(rounds: number, requests: number, idempotencyKey: boolean): Promise<number> {
  const store = new MemoryMessageStore();
  const handler = createApiHandler(
    {
      accept: { messages: store, queue: new MemoryQueue(), clock: systemClock, newId: uuidv7 },
      messages: store,
      idempotency: new MemoryIdempotency(),
      suppressions: unreachable('suppressions'),
      feedback: unreachable('feedback'),
    },
    silentLog,
  );
  const context = {} as Parameters<typeof handler>[1];
  let n = 0;
  const once = async () => {
    const response = await handler(proxyEvent(idempotencyKey ? { 'idempotency-key': `k-${n++}` } : {}), context);
    if (response.statusCode !== 202) throw new Error(`the API answered ${response.statusCode}: ${response.body}`);
  };
  for (let i = 0; i < requests / 2; i++) await once();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { cpuMsPerItem } = await measured(requests, async () => {
      for (let i = 0; i < requests; i++) await once();
    });
    samples.push(cpuMsPerItem * 1000);
  }
  return median(samples);
}

export async function benchAccept(options: { seconds: number; connections: number }): Promise<AcceptResult> {
  // Only the accept path is measured: nothing consumes the queue meanwhile.
  const pipeline = await startPipeline({ log: () => silentLog, inProcessDelivery: false });
  let result: LoadResult;
  try {
    result = await load(`${pipeline.apiUrl}/v1/emails`, options.seconds, options.connections);
  } finally {
    await pipeline.stop();
  }
  return {
    rps: round(result.rps),
    p50_ms: result.p50_ms,
    p99_ms: result.p99_ms,
    connections: options.connections,
    seconds: options.seconds,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    handler_cpu_us: round(await handlerCpu(3, 3000, false)),
    handler_cpu_us_idempotent: round(await handlerCpu(3, 3000, true)),
  };
}
