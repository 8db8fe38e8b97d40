/**
 * `posthaste console`: the operator console on this machine, for a deployed stack. The page
 * is served on 127.0.0.1 and its /v1 calls are forwarded to the API with the operator's key
 * (or signed with SigV4), so the key never reaches the browser and the stack needs no new
 * public resource. Like the local gateway, it answers this machine's own pages only: a
 * foreign Origin or Host is refused, so no other web page can borrow the key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type SigV4Options, sigV4Signer } from '../client/sigv4.js';
import { CONSOLE_PATH, type ConsoleFiles, serveConsole } from '../local/console-assets.js';
import { foreignRequest } from '../local/foreign-request.js';
import { readBody } from '../local/read-body.js';

export interface ConsoleForwarderOptions {
  /** The API's base URL, stage included (e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod). */
  target: string;
  apiKey?: string;
  sigv4?: SigV4Options | true;
  files: ConsoleFiles;
  /** On 127.0.0.1; 0 picks a free port. */
  port?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ConsoleForwarder {
  url: string;
  consoleUrl: string;
  stop(): Promise<void>;
}

/** API Gateway's payload limit: a larger request would be refused there anyway. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Request headers the page may pass on; everything else (cookies, its own Origin) stays here. */
const PASSED_REQUEST_HEADERS = ['accept', 'content-type', 'idempotency-key'];
const PASSED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'idempotency-replayed', 'location'];

function problem(res: ServerResponse, status: number, code: string, title: string, detail: string) {
  res
    .writeHead(status, { 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ type: `urn:posthaste:problem:${code}`, title, status, code, detail }));
}

export async function startConsoleForwarder(options: ConsoleForwarderOptions): Promise<ConsoleForwarder> {
  const base = options.target.replace(/\/+$/, '');
  const sign = options.sigv4 ? sigV4Signer(options.sigv4 === true ? {} : options.sigv4) : undefined;
  const fetchImpl = options.fetch ?? fetch;

  async function forward(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body) return problem(res, 413, 'payload_too_large', 'The request is too large', `at most ${MAX_BODY_BYTES} bytes`);
    const url = new URL(base + (req.url ?? '/'));
    const headers: Record<string, string> = {};
    for (const name of PASSED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // The operator's key wins; without one (and without SigV4) a key typed into the page goes through.
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    else if (!sign && typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
    const text = body.length > 0 ? body.toString('utf8') : undefined;
    const method = req.method ?? 'GET';
    const sent = sign ? await sign({ method, url, headers, ...(text !== undefined ? { body: text } : {}) }) : headers;
    let answer: Response;
    try {
      answer = await fetchImpl(url, {
        method,
        headers: sent,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        ...(text !== undefined ? { body: text } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return problem(res, 502, 'service_unavailable', 'The API could not be reached', `${base}: ${cause?.code ?? cause?.message ?? String(error)}`);
    }
    const reply = Buffer.from(await answer.arrayBuffer());
    const passed: Record<string, string> = { 'content-length': String(reply.length), 'cache-control': 'no-store' };
    for (const name of PASSED_RESPONSE_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) passed[name] = value;
    }
    res.writeHead(answer.status, passed).end(reply);
  }

  const server: Server = createServer(async (req, res) => {
    try {
      const foreign = foreignRequest(req, server, [], 'the console forwarder answers its own page only');
      if (foreign) return problem(res, 403, 'forbidden', 'Access denied', foreign);
      if (serveConsole(req, res, options.files)) return;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/') {
        res.writeHead(302, { location: CONSOLE_PATH }).end();
        return;
      }
      if (path.startsWith('/v1/')) return await forward(req, res);
      problem(res, 404, 'not_found', 'Not found', `${path} is neither the console nor the API`);
    } catch (error) {
      if (!res.headersSent) problem(res, 502, 'service_unavailable', 'The console forwarder failed', error instanceof Error ? error.message : String(error));
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    consoleUrl: `${url}${CONSOLE_PATH}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
