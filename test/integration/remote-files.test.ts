/**
 * Attachments by URL are fetched with the rules of every URL a caller gives us, against
 * real servers on loopback: https with a verified certificate, no private address (also
 * after a lying DNS answer), no redirect followed, the size cap, the deadline.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRemoteFiles } from '../../functions/adapters/http-remote-files.js';
import { type OutboundPolicy, PUBLIC_ONLY, type Resolver } from '../../functions/adapters/outbound-http.js';
import { webhookPolicy } from '../../functions/compose/webhook-stores.js';
import { selfSignedCertificate } from '../helpers/certificate.js';

let cert: { key: string; cert: string };
let https: Server;
let http: HttpServer;
let base: string;
let plain: string;
const pdf = Buffer.from('%PDF-1.7 report '.repeat(100));

const TEST_POLICY: OutboundPolicy = { allowLoopbackHttp: false, allowPrivateAddresses: true };
const limits = { maxBytes: 10_000, timeoutMs: 5_000 };

beforeAll(async () => {
  cert = selfSignedCertificate();
  const routes = (req: { url?: string }, res: import('node:http').ServerResponse) => {
    if (req.url === '/report.pdf') res.writeHead(200, { 'content-type': 'application/pdf; name=report.pdf' }).end(pdf);
    else if (req.url === '/moved') res.writeHead(302, { location: 'https://169.254.169.254/' }).end();
    else if (req.url === '/big') res.writeHead(200).end(Buffer.alloc(limits.maxBytes + 1));
    else if (req.url === '/exact') res.writeHead(200).end(Buffer.alloc(limits.maxBytes));
    else if (req.url === '/stall') res.writeHead(200).write('a trickle that never ends');
    else res.writeHead(404).end();
  };
  https = createServer({ key: cert.key, cert: cert.cert }, routes);
  http = createHttpServer(routes);
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  plain = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const server of [https, http]) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

const refusal = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'fetched',
    (error: Error) => error.message,
  );

describe('attachments by URL', () => {
  it('fetches a file over verified https with the content type its server names', async () => {
    const file = await new HttpRemoteFiles({ policy: TEST_POLICY, ca: cert.cert }).fetch(`${base}/report.pdf`, limits);
    expect(file).toEqual({ content: pdf, contentType: 'application/pdf' });
  });

  it('refuses an unverified certificate, a redirect, a 404, a file over the cap and one that never finishes', async () => {
    const files = new HttpRemoteFiles({ policy: TEST_POLICY, ca: cert.cert });
    expect(await refusal(new HttpRemoteFiles({ policy: TEST_POLICY }).fetch(`${base}/report.pdf`, limits))).toMatch(/self-signed|certificate/i);
    expect(await refusal(files.fetch(`${base}/moved`, limits))).toBe('answered 302 (a redirect, which is not followed)');
    expect(await refusal(files.fetch(`${base}/nothing`, limits))).toBe('answered 404');
    expect(await refusal(files.fetch(`${base}/big`, limits))).toBe(`is larger than ${limits.maxBytes} bytes`);
    expect((await files.fetch(`${base}/exact`, limits)).content.length).toBe(limits.maxBytes);
    expect(await refusal(files.fetch(`${base}/stall`, { ...limits, timeoutMs: 300 }))).toBe('no complete answer within 300 ms');
  });

  it('in AWS takes public https only: no loopback, no metadata address, not even behind a name that resolves there', async () => {
    const files = new HttpRemoteFiles({ policy: PUBLIC_ONLY, ca: cert.cert });
    expect(await refusal(files.fetch(`${base}/report.pdf`, limits))).toMatch(/not a public address/);
    expect(await refusal(files.fetch('https://169.254.169.254/latest/meta-data/', limits))).toMatch(/not a public address/);
    expect(await refusal(files.fetch(`${plain}/report.pdf`, limits))).toBe('must be an https URL');
    const lying: Resolver = (_host, callback) => callback(null, [{ address: '10.0.0.8', family: 4 }]);
    const rebinding = new HttpRemoteFiles({ policy: PUBLIC_ONLY, resolver: lying });
    expect(await refusal(rebinding.fetch('https://files.example.com/report.pdf', limits))).toMatch(/resolves to 10\.0\.0\.8, which is not a public address/);
  });

  it('in local mode also takes plain http from this machine, and still no private network', async () => {
    const files = new HttpRemoteFiles({ policy: webhookPolicy(true) });
    expect((await files.fetch(`${plain}/report.pdf`, limits)).content).toEqual(pdf);
    expect(await refusal(files.fetch('https://192.168.1.10/x.pdf', limits))).toMatch(/not a public address/);
  });
});
