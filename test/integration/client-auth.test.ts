import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Posthaste, PosthasteApiError } from '../../client/index.js';

/** A plain HTTP server that records what the client sends, and answers as told. */
let server: Server;
let baseUrl: string;
let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let answer: { status: number; type: string; body: unknown } = { status: 200, type: 'application/json', body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(answer.status, { 'content-type': answer.type }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/prod`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const email = { from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' };

describe('client authentication', () => {
  it('sends an API key as a Bearer token, the one header the authorizer reads', async () => {
    seen = [];
    await new Posthaste({ baseUrl, apiKey: 'ph_secret' }).send(email, { idempotencyKey: 'k1' });
    expect(seen[0]!.headers.authorization).toBe('Bearer ph_secret');
    expect(seen[0]!.headers['idempotency-key']).toBe('k1');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/prod/v1/emails', body: JSON.stringify(email) });
    expect(seen[0]!.headers['x-api-key']).toBeUndefined();
  });

  it('signs with SigV4 so that the signature verifies for the same request', async () => {
    seen = [];
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    await new Posthaste({ baseUrl, sigv4: { region: 'eu-west-1', credentials } }).send(email);
    const request = seen[0]!;
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    const amzDate = request.headers['x-amz-date'] as string;
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const url = new URL(request.url, baseUrl);
    const signedNames = /SignedHeaders=([^,]+)/.exec(request.headers.authorization!)![1]!.split(';');
    const headers = Object.fromEntries(signedNames.map((name) => [name, String(request.headers[name])]));
    const expected = await new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials, sha256: Sha256 }).sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers,
        body: request.body,
      } as never,
      { signingDate },
    );
    expect(request.headers.authorization).toBe((expected as unknown as { headers: Record<string, string> }).headers.authorization);
  });

  it('takes SigV4 credentials from the default provider chain', async () => {
    seen = [];
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'ap-southeast-2' });
    try {
      await new Posthaste({ baseUrl, sigv4: true }).get('abc');
    } finally {
      process.env = saved;
    }
    expect(seen[0]!.headers.authorization).toMatch(/Credential=AKIDFROMENV\/\d{8}\/ap-southeast-2\/execute-api\/aws4_request/);
  });

  it('throws PosthasteApiError with the problem document, or with what the gateway said', async () => {
    answer = {
      status: 422,
      type: 'application/problem+json',
      body: {
        type: 'urn:posthaste:problem:validation_failed',
        title: 'The request is invalid',
        status: 422,
        code: 'validation_failed',
        detail: 'to: is not an email address',
        field: 'to',
      },
    };
    const refused = await new Posthaste({ baseUrl }).send(email).catch((e) => e);
    expect(refused).toBeInstanceOf(PosthasteApiError);
    expect([refused.status, refused.code, refused.field, refused.message]).toEqual([422, 'validation_failed', 'to', 'to: is not an email address']);
    answer = { status: 403, type: 'application/json', body: { message: 'Forbidden' } };
    const forbidden = await new Posthaste({ baseUrl, apiKey: 'bad' }).get('x').catch((e) => e);
    expect([forbidden.status, forbidden.code, forbidden.message]).toEqual([403, 'forbidden', 'Forbidden']);
    answer = { status: 200, type: 'application/json', body: {} };
  });
});
