import type { IncomingMessage, Server } from 'node:http';

/**
 * The local servers (the gateway of `npm start`, the console forwarder of `npx posthaste
 * console`) answer this machine's own pages and tools only: otherwise any web page a
 * developer opens could post through them (a form post needs no CORS preflight) or reach
 * them through DNS rebinding.
 */
const LOCAL_HOST_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a request does not come from this machine's own pages or tools; undefined when it does. */
export function foreignRequest(
  req: IncomingMessage,
  server: Server,
  allowedOrigins: string[],
  howToAllow = 'set POSTHASTE_ALLOWED_ORIGINS to allow it',
): string | undefined {
  const port = (server.address() as { port: number } | null)?.port;
  const host = req.headers.host;
  if (host !== undefined) {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
    if (!match || !LOCAL_HOST_NAMES.has(match[1]!) || (match[2] !== undefined && Number(match[2]) !== port)) return `Host ${host} is not this machine`;
  }
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (allowedOrigins.includes(origin)) return undefined;
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' && LOCAL_HOST_NAMES.has(url.hostname) && Number(url.port) === port) return undefined;
  } catch {
    // An Origin that is not a URL (`null` from a sandboxed page or a file) is foreign.
  }
  return `Origin ${origin} may not call this API (${howToAllow})`;
}
