/**
 * The HTTP side of `posthaste webhooks listen`: a server on 127.0.0.1 that reads each POST's
 * raw body, verifies it with the client's verifyWebhook (the check an app's handler makes),
 * and either answers 204 or forwards the request — body and webhook-* headers byte for byte —
 * to the app's own handler and answers with the app's status, so a failing handler gets the
 * retries it would get from the deployed dispatcher.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, type WebhookEvent } from '../client/index.js';
import { readBody } from '../local/read-body.js';

/** Payloads are a few kilobytes; anything far larger is not from Posthaste. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Under the dispatcher's 10 s, so the app's slowness is reported here rather than as our timeout. */
export const FORWARD_TIMEOUT_MS = 9_000;
/** What of the app's reply goes back to the dispatcher (it keeps the first kilobyte with the attempt). */
const REPLY_BYTES = 4096;

export interface ReceivedEvent {
  webhookId: string | undefined;
  /** The verified event; absent when the signature did not verify. */
  event?: WebhookEvent;
  signatureError?: string;
}

export interface ForwardResult {
  url: string;
  status?: number;
  durationMs: number;
  error?: string;
}

export interface ReceiverOptions {
  port: number;
  /** The endpoint's signing secret, known once the endpoint is registered (requests come only after). */
  secret: () => string | undefined;
  forwardTo?: string;
  onReceived: (received: ReceivedEvent) => void;
  onForwarded: (received: ReceivedEvent, result: ForwardResult) => void;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  stop(): Promise<void>;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : value);

/** The headers the app's handler sees: the signature headers and the body's type, as the dispatcher sent them. */
function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && (name.startsWith('webhook-') || name === 'content-type' || name === 'user-agent')) out[name] = single(value)!;
  }
  return out;
}

async function forward(url: string, body: Buffer, headers: IncomingHttpHeaders): Promise<ForwardResult & { reply: string; contentType?: string }> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: forwardedHeaders(headers),
      body,
      // Like the dispatcher: a redirect is the handler's answer, not somewhere to go.
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    const reply = (await response.text()).slice(0, REPLY_BYTES);
    const contentType = response.headers.get('content-type');
    return { url, status: response.status, durationMs: elapsed(), reply, ...(contentType ? { contentType } : {}) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${FORWARD_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { url, durationMs: elapsed(), error: reason, reply: `forward to ${url} failed: ${reason}` };
  }
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    let body: Buffer | undefined;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch {
      // The request broke off: there is no one to answer.
      return;
    }
    // Far larger than any event, so not from Posthaste: drop the connection rather than read on
    // (the reader leaves the socket open for an answer, which would only invite the rest).
    if (!body) return void res.destroy();
    const received: ReceivedEvent = { webhookId: single(req.headers['webhook-id']) };
    const secret = options.secret();
    try {
      if (!secret) throw new Error('no endpoint registered yet');
      received.event = verifyWebhook(body, req.headers, secret);
    } catch (error) {
      received.signatureError = (error as Error).message;
    }
    options.onReceived(received);
    // A request that does not verify is not Posthaste's: refuse it, as a handler should.
    if (received.signatureError) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('signature did not verify');
    if (!options.forwardTo) return void res.writeHead(204).end();
    const { reply, contentType, ...result } = await forward(options.forwardTo, body, req.headers);
    options.onForwarded(received, result);
    const status = result.status ?? (result.error?.startsWith('no answer') ? 504 : 502);
    if (status === 204 || status === 304 || !reply) return void res.writeHead(status).end();
    res.writeHead(status, { 'content-type': contentType ?? 'text/plain' }).end(reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
