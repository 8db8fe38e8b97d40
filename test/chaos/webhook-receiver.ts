import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export const RECEIVER_FAULTS = ['http_500', 'timeout', 'dropped'] as const;
export type ReceiverFault = (typeof RECEIVER_FAULTS)[number];

/** The share of requests answered with each fault; the rest get a 204. */
export type ReceiverFaultShares = Record<ReceiverFault, number>;

export interface ReceiverCounts {
  requests: number;
  faults: Record<ReceiverFault, number>;
  /** Requests whose signature did not verify against their endpoint's secret (must be 0). */
  badSignatures: number;
}

export interface WebhookReceiver {
  url: string;
  counts: ReceiverCounts;
  /** Takes requests on `path`, signed with `secret` (the endpoint's, from its creation). */
  addEndpoint(path: string, secret: string): void;
  /** 2xx answers per `<path> <webhook-id>`, and the event type the body named. */
  delivered: Map<string, { answers: number; type: string }>;
  /** Resolves once `done()` holds, checked after every 2xx answer. */
  until(done: () => boolean): Promise<void>;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A webhook receiver on loopback that fails on purpose: for a seeded share of requests it
 * answers 500, holds the request until the sender gives up (the sender's timeout), or
 * destroys the connection without an answer; otherwise 204. Every request's signature is
 * checked with the standardwebhooks library, as an app's receiver would, and every 2xx
 * answer is recorded by endpoint and `webhook-id`, so a webhook-id answered twice shows.
 */
export async function startWebhookReceiver(random: () => number, shares: ReceiverFaultShares): Promise<WebhookReceiver> {
  const verifiers = new Map<string, Webhook>();
  const delivered = new Map<string, { answers: number; type: string }>();
  const counts: ReceiverCounts = { requests: 0, faults: { http_500: 0, timeout: 0, dropped: 0 }, badSignatures: 0 };
  const waiters: { done: () => boolean; resolve: () => void }[] = [];

  const faultFor = (): ReceiverFault | undefined => {
    let r = random();
    for (const fault of RECEIVER_FAULTS) {
      if (r < shares[fault]) return fault;
      r -= shares[fault];
    }
    return undefined;
  };

  const server: Server = createServer(async (req, res) => {
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return; // the sender gave up while still sending
    }
    counts.requests++;
    const path = req.url ?? '';
    let type: string;
    try {
      const verifier = verifiers.get(path);
      if (!verifier) throw new Error(`no endpoint at ${path}`);
      type = (verifier.verify(body, req.headers as Record<string, string>) as { type: string }).type;
    } catch {
      counts.badSignatures++;
      res.writeHead(400).end('bad signature');
      return;
    }
    const fault = faultFor();
    if (fault) counts.faults[fault]++;
    // Held: the sender's timeout ends it (the server closes what is left on stop).
    if (fault === 'timeout') return;
    if (fault === 'dropped') return void req.socket.destroy();
    if (fault === 'http_500') return void res.writeHead(500).end('chaos');
    const key = `${path} ${String(req.headers['webhook-id'])}`;
    const seen = delivered.get(key);
    delivered.set(key, { answers: (seen?.answers ?? 0) + 1, type });
    // The app has handled the event; whether the sender hears the 2xx in time is another matter.
    res.writeHead(204).end();
    for (const waiter of waiters.filter((w) => w.done())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    delivered,
    addEndpoint(path, secret) {
      verifiers.set(path, new Webhook(secret));
    },
    until(done) {
      if (done()) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ done, resolve }));
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
