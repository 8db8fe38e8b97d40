/**
 * The outbound client against real HTTP and HTTPS receivers on loopback: what it refuses
 * before connecting, what it refuses at connection time, and what it reads back.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, type OutboundPolicy, OutboundUrlError, outboundRequest, PUBLIC_ONLY } from '../../functions/adapters/outbound-http.js';
import { selfSignedCertificate } from '../helpers/certificate.js';

let cert: { key: string; cert: string };
let https: Server;
let http: Server;
const hits: string[] = [];
const LOCAL_TEST: OutboundPolicy = { allowLoopbackHttp: true, allowPrivateAddresses: true };

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

let httpsPort: number;
let httpPort: number;

beforeAll(async () => {
  cert = selfSignedCertificate();
  const app = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') return res.writeHead(302, { location: '/target' }).end();
    if (req.url === '/large') return res.writeHead(200).end('x'.repeat(100_000));
    if (req.url === '/silent') return; // never answers
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${body}`));
  };
  https = createHttpsServer({ key: cert.key, cert: cert.cert }, app);
  http = createHttpServer(app);
  httpsPort = await listen(https);
  httpPort = await listen(http);
});

afterAll(async () => {
  https.closeAllConnections();
  http.closeAllConnections();
  await Promise.all([new Promise((r) => https.close(r)), new Promise((r) => http.close(r))]);
});

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundUrlError);
  return error as OutboundUrlError;
};

const post = (url: string, policy: OutboundPolicy, extra: Partial<Parameters<typeof outboundRequest>[1]> = {}) =>
  outboundRequest(url, { method: 'POST', body: 'hello', timeoutMs: 5000, maxReplyBytes: 1024, policy, ca: cert.cert, ...extra });

describe('outbound requests', () => {
  it('posts over verified TLS and reads the reply', async () => {
    const reply = await post(`https://127.0.0.1:${httpsPort}/hook`, LOCAL_TEST);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('got hello');
    expect(reply.truncated).toBe(false);
  });

  it('refuses a certificate it cannot verify', async () => {
    await expect(post(`https://127.0.0.1:${httpsPort}/hook`, LOCAL_TEST, { ca: undefined as unknown as string })).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
  });

  it.each([
    ['a loopback address', `https://127.0.0.1:1/hook`],
    ['localhost', `https://localhost:1/hook`],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data/'],
    ['a private network', 'https://10.1.2.3/hook'],
    ['an IPv6 loopback', 'https://[::1]/hook'],
    ['an IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hook'],
  ])('refuses %s in the deployed policy before connecting', async (_case, url) => {
    const before = hits.length;
    expect((await refusal(post(url, PUBLIC_ONLY))).reason).toBe('private_address');
    expect(hits.length).toBe(before);
  });

  it('refuses a name that resolves to a private address at connection time (DNS rebinding)', async () => {
    const before = hits.length;
    const lying = (_host: string, callback: (e: Error | null, a: { address: string; family: number }[]) => void) =>
      callback(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ]);
    const error = await refusal(post(`https://rebind.test:${httpsPort}/hook`, PUBLIC_ONLY, { resolver: lying }));
    expect(error.reason).toBe('private_address');
    expect(error.message).toContain('127.0.0.1');
    expect(hits.length).toBe(before);
  });

  it('takes plain http only to loopback, only where the policy allows it', async () => {
    expect((await refusal(post(`http://127.0.0.1:${httpPort}/hook`, PUBLIC_ONLY))).reason).toBe('scheme');
    expect((await refusal(post('http://example.com/hook', LOCAL_TEST))).reason).toBe('scheme');
    expect((await post(`http://127.0.0.1:${httpPort}/hook`, { allowLoopbackHttp: true, allowPrivateAddresses: false })).status).toBe(200);
  });

  it('refuses other schemes, credentials in the URL and what is not a URL', async () => {
    expect((await refusal(post('ftp://example.com/x', PUBLIC_ONLY))).reason).toBe('scheme');
    expect((await refusal(post('https://user:pass@example.com/x', PUBLIC_ONLY))).reason).toBe('credentials');
    expect((await refusal(post('not a url', PUBLIC_ONLY))).reason).toBe('invalid_url');
  });

  it('never follows a redirect', async () => {
    const reply = await post(`https://127.0.0.1:${httpsPort}/redirect`, LOCAL_TEST);
    expect(reply.status).toBe(302);
    expect(hits).not.toContain('/target');
  });

  it('reads the reply only up to its cap', async () => {
    const reply = await outboundRequest(`https://127.0.0.1:${httpsPort}/large`, {
      method: 'GET',
      timeoutMs: 5000,
      maxReplyBytes: 256,
      policy: LOCAL_TEST,
      ca: cert.cert,
    });
    expect(reply.body.length).toBe(256);
    expect(reply.truncated).toBe(true);
  });

  it('gives up on a receiver that never answers', async () => {
    await expect(post(`https://127.0.0.1:${httpsPort}/silent`, LOCAL_TEST, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});

describe('which addresses are public', () => {
  it.each([
    ['8.8.8.8', true],
    ['93.184.216.34', true],
    ['2606:4700:4700::1111', true],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['127.0.0.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['fc00::1', false],
    ['fe80::1', false],
    ['::ffff:10.0.0.1', false],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
