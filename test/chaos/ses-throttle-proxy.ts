import { createServer, request, type Server } from 'node:http';

/** What the SES side accepted, as the chaos counts need it. */
export interface AcceptedSend {
  raw: Buffer;
  envelope: { to: string[] };
  at: number;
  replyLost?: boolean;
}

const THROTTLED = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>chaos</RequestId></ErrorResponse>`;

/**
 * Sits in front of the SES stand-in (which cannot fail on demand): during bursts every
 * SendRawEmail is answered with SES's Throttling error; a few accepted sends lose their
 * reply (the connection is cut after SES took the message). Everything SES accepted is
 * recorded with its raw message, so duplicates can be counted by X-Posthaste-Id.
 */
export async function startSesThrottleProxy(upstream: string, random: () => number, counts: { throttled: number; ses_reply_lost: number }) {
  const accepted: AcceptedSend[] = [];
  const started = Date.now();
  // Sends forwarded to SES whose answer has not come back yet: SES may still accept them.
  let inFlight = 0;
  const settledWaiters: (() => void)[] = [];
  const settle = () => {
    inFlight--;
    if (inFlight === 0) for (const resolve of settledWaiters.splice(0)) resolve();
  };
  // 1.5 s of throttling in every 4 s: longer than the SDK's own retries, so some sends
  // come back to the queue and are retried with backoff.
  const inBurst = () => (Date.now() - started) % 4000 < 1500;
  const target = new URL(upstream);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const params = new URLSearchParams(body.toString('utf8'));
    const sending = params.get('Action') === 'SendRawEmail';
    if (sending && inBurst()) {
      counts.throttled++;
      res.writeHead(400, { 'content-type': 'text/xml' }).end(THROTTLED);
      return;
    }
    inFlight++;
    let settledOnce = false;
    const done = () => {
      if (!settledOnce) {
        settledOnce = true;
        settle();
      }
    };
    const forwarded = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (upstreamRes) => {
      const parts: Buffer[] = [];
      upstreamRes.on('data', (c: Buffer) => parts.push(c));
      upstreamRes.on('end', () => {
        done();
        const ok = (upstreamRes.statusCode ?? 500) < 300;
        const loseReply = sending && ok && random() < 0.005;
        if (sending && ok) {
          const to = [...params.entries()].filter(([k]) => k.startsWith('Destinations.member.')).map(([, v]) => v);
          accepted.push({
            raw: Buffer.from(params.get('RawMessage.Data') ?? '', 'base64'),
            envelope: { to },
            at: Date.now(),
            ...(loseReply ? { replyLost: true } : {}),
          });
        }
        if (loseReply) {
          counts.ses_reply_lost++;
          req.socket.destroy();
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers).end(Buffer.concat(parts));
      });
    });
    forwarded.on('error', () => {
      done();
      res.writeHead(502).end();
    });
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    accepted,
    /** Resolves once no forwarded send waits for SES's answer: what SES accepted is all in `accepted`. */
    quiet: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => settledWaiters.push(resolve))),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
