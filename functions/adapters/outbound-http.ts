/**
 * Requests to URLs our users give us (webhook endpoints, attachment paths): the one way
 * Posthaste calls out to the internet, with the rules that keep it from being turned
 * against the network it runs in.
 *  - https only; plain http only to loopback and only where the policy allows it (local mode).
 *  - No private, loopback, link-local, metadata or other non-public address, checked on the
 *    address the socket really connects to (a lookup hook), so DNS rebinding between a check
 *    and the connection cannot slip past.
 *  - No redirects followed (node's client never follows them); the reply read up to a cap;
 *    a deadline for the whole exchange.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface OutboundPolicy {
  /** Allow `http://` to loopback hosts (local mode: a developer's own receiver). */
  allowLoopbackHttp: boolean;
  /** Allow private and loopback addresses over https too (tests and local mode only). */
  allowPrivateAddresses: boolean;
}

/** The deployed stack's policy: public https endpoints only. */
export const PUBLIC_ONLY: OutboundPolicy = { allowLoopbackHttp: false, allowPrivateAddresses: false };

export type OutboundRefusal = 'invalid_url' | 'scheme' | 'credentials' | 'private_address' | 'unresolvable';

export class OutboundUrlError extends Error {
  override name = 'OutboundUrlError';
  constructor(
    readonly reason: OutboundRefusal,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** ipaddr.js's range of an address, an IPv4-mapped IPv6 address judged as the IPv4 it maps; undefined for what is no address. */
function rangeOf(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  const v6 = parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6) : undefined;
  return (v6?.isIPv4MappedAddress() ? v6.toIPv4Address() : parsed).range();
}

/** Only the unicast range is the public internet; everything else ipaddr.js names is not. */
export const isPublicAddress = (address: string): boolean => rangeOf(address) === 'unicast';

const isLoopbackAddress = (address: string): boolean => rangeOf(address) === 'loopback';

const bareHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');
const isLoopbackName = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost') || isLoopbackAddress(host);

/**
 * The checks a URL passes before anything is resolved: a URL, https (or loopback http where
 * allowed), no user:password part, and no literal address outside the policy. The resolved
 * address is checked again at connection time.
 */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new OutboundUrlError('invalid_url', 'is not an absolute URL', { cause: error });
  }
  const host = bareHost(url);
  if (url.protocol === 'http:') {
    if (!(policy.allowLoopbackHttp && isLoopbackName(host))) throw new OutboundUrlError('scheme', 'must be an https URL');
  } else if (url.protocol !== 'https:') {
    throw new OutboundUrlError('scheme', 'must be an https URL');
  }
  if (url.username || url.password) throw new OutboundUrlError('credentials', 'must not carry a user name or password');
  if (isIP(host) && !addressAllowed(host, url, policy)) throw new OutboundUrlError('private_address', `points at ${host}, which is not a public address`);
  if (!isIP(host) && isLoopbackName(host) && !(policy.allowPrivateAddresses || (policy.allowLoopbackHttp && url.protocol === 'http:'))) {
    throw new OutboundUrlError('private_address', `points at ${host}, which is not a public address`);
  }
  return url;
}

function addressAllowed(address: string, url: URL, policy: OutboundPolicy): boolean {
  if (isPublicAddress(address)) return true;
  if (policy.allowPrivateAddresses) return true;
  return policy.allowLoopbackHttp && url.protocol === 'http:' && isLoopbackAddress(address);
}

/** Resolves a name to every address it has (dns.lookup; tests inject a resolver that lies, as a rebinding attacker's would). */
export type Resolver = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/** A lookup that refuses the connection when any address the name resolves to is outside the policy. */
function guardedLookup(url: URL, policy: OutboundPolicy, resolver: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname, (error, addresses) => {
      if (error) return callback(new OutboundUrlError('unresolvable', `${hostname} does not resolve`, { cause: error }), '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => !addressAllowed(a.address, url, policy));
      if (refused || list.length === 0) {
        const what = refused ? `resolves to ${refused.address}, which is not a public address` : 'resolves to no address';
        return callback(new OutboundUrlError('private_address', `${hostname} ${what}`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For the whole exchange: connect, send, and the reply up to `maxReplyBytes`. */
  timeoutMs: number;
  /** The reply is read up to this many bytes; the rest is dropped (and `truncated` set). */
  maxReplyBytes: number;
  policy: OutboundPolicy;
  /** Extra trusted CA certificates (tests: a loopback receiver's self-signed CA). */
  ca?: string;
  resolver?: Resolver;
}

export interface OutboundReply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The reply was longer than `maxReplyBytes`. */
  truncated: boolean;
  durationMs: number;
}

/** One request; throws OutboundUrlError for a refused URL and the socket's error (with a `code`) for network trouble. */
export async function outboundRequest(raw: string, options: OutboundRequest, now: () => number = Date.now): Promise<OutboundReply> {
  const url = checkOutboundUrl(raw, options.policy);
  const started = now();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundReply>((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method,
        headers: { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) },
        lookup: guardedLookup(url, options.policy, options.resolver ?? systemResolver),
        ...(options.ca ? { ca: options.ca } : {}),
        // Verified TLS, always: an endpoint with a bad certificate is a failed attempt.
        rejectUnauthorized: true,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (size >= options.maxReplyBytes) {
            truncated = true;
            res.destroy();
            return;
          }
          const room = options.maxReplyBytes - size;
          if (chunk.length > room) truncated = true;
          chunks.push(chunk.subarray(0, room));
          size += Math.min(chunk.length, room);
          if (truncated) res.destroy();
        });
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated, durationMs: now() - started });
        res.on('end', done);
        res.on('close', done);
        res.on('error', (error) => (truncated ? done() : reject(error)));
      },
    );
    // A deadline for the whole exchange, not an idle timeout: a receiver that trickles bytes still ends on time.
    const deadline = setTimeout(() => {
      const error = Object.assign(new Error(`no complete answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' });
      req.destroy(error);
      reject(error);
    }, options.timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(deadline));
    req.end(options.body);
  });
}
