/**
 * `posthaste webhooks listen`: registers a temporary endpoint pointing at a receiver on this
 * machine (cli/webhook-receiver.ts), prints every event as it arrives, and removes the
 * endpoint on Ctrl-C or SIGTERM. The local API (`npm start`) accepts the receiver's plain
 * http loopback URL; a deployed one refuses it (public https only), which is explained rather
 * than left as a bare 422 — or a tunnel's public URL can be registered instead.
 */
import { hostname } from 'node:os';
import { type Posthaste, PosthasteApiError, type WebhookEndpointCreated, type WebhookEndpointRequest } from '../client/index.js';
import { EXIT, type Io, UsageError } from './output.js';
import { type ForwardResult, type ReceivedEvent, startReceiver } from './webhook-receiver.js';

export interface ListenOptions {
  client: Posthaste;
  io: Io;
  /** One JSON object per line instead of text (for scripts). */
  json: boolean;
  port: number;
  forwardTo?: string;
  events?: NonNullable<WebhookEndpointRequest['events']>;
  /** Register this URL (a tunnel to the receiver) instead of the receiver's loopback one. */
  publicUrl?: string;
}

/**
 * The first SIGINT or SIGTERM, caught from the start so a Ctrl-C while the endpoint is being
 * registered still removes it; `release` stops catching them.
 */
function stopSignals(): { next: Promise<NodeJS.Signals>; release: () => void } {
  let release = () => {};
  const next = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      release();
      resolve(signal);
    };
    release = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { next, release };
}

/** `times`: how often this webhook-id has arrived, so a retry is seen as one. */
function eventLine(received: ReceivedEvent, times: number): string {
  if (!received.event) return `SIGNATURE FAILED  webhook-id ${received.webhookId ?? '(none)'}: ${received.signatureError} (answered 401, not forwarded)`;
  const { type, createdAt, data } = received.event;
  const recipients = (data.recipients ?? data.to).join(', ');
  return `${createdAt}  ${type.padEnd(22)}  message ${data.id}  ${recipients}  ${received.webhookId}  verified${times > 1 ? ` (received ${times} times)` : ''}`;
}

function forwardLine(received: ReceivedEvent, result: ForwardResult): string {
  const outcome = result.status !== undefined ? `answered ${result.status}` : `failed: ${result.error}`;
  return `  -> forwarded ${received.webhookId} to ${result.url}: ${outcome} (${result.durationMs} ms)`;
}

function refusedUrlHelp(url: string, publicUrl: string | undefined): string {
  if (publicUrl) return `The API refused --public-url ${publicUrl}: it must be a public https URL that reaches this machine's port (a tunnel).`;
  return [
    `The API refused the listener's address ${url}: it only posts to public https URLs.`,
    '`webhooks listen` is for the local pipeline: run `npm start` and point the CLI at it',
    '(POSTHASTE_URL=http://127.0.0.1:3000). To try a deployed API, run a tunnel to --port and',
    'pass its https address with --public-url.',
  ].join('\n');
}

export async function listen(options: ListenOptions): Promise<number> {
  const { client, io } = options;
  const emit = (value: Record<string, unknown>, text: () => string) => io.out(options.json ? JSON.stringify(value) : text());
  let endpoint: WebhookEndpointCreated | undefined;
  const signals = stopSignals();
  /** How often each webhook-id arrived (bounded by what one session receives). */
  const seen = new Map<string, number>();

  const receiver = await startReceiver({
    port: options.port,
    secret: () => endpoint?.secret,
    ...(options.forwardTo ? { forwardTo: options.forwardTo } : {}),
    onReceived: (received) => {
      const times = received.event && received.webhookId ? (seen.get(received.webhookId) ?? 0) + 1 : 1;
      if (received.event && received.webhookId) seen.set(received.webhookId, times);
      emit(
        received.event
          ? { kind: 'event', webhookId: received.webhookId, verified: true, times, event: received.event }
          : { kind: 'signature_failed', webhookId: received.webhookId, error: received.signatureError },
        () => eventLine(received, times),
      );
    },
    onForwarded: (received, result) => emit({ kind: 'forwarded', webhookId: received.webhookId, ...result }, () => forwardLine(received, result)),
  }).catch((error: NodeJS.ErrnoException) => {
    signals.release();
    if (error.code === 'EADDRINUSE') throw new UsageError(`port ${options.port} is in use: pick another with --port (or leave it out for a free one)`);
    throw error;
  });

  const url = options.publicUrl ?? receiver.url;
  try {
    endpoint = await client.webhooks.create({
      url,
      ...(options.events ? { events: options.events } : {}),
      description: `temporary endpoint of \`posthaste webhooks listen\` on ${hostname()} (pid ${process.pid}); removed when it stops`,
    });
  } catch (error) {
    signals.release();
    await receiver.stop();
    if (error instanceof PosthasteApiError && error.status === 422 && error.field === 'url') {
      io.err(`error: ${error.problem.detail} (${error.status} ${error.code})`);
      io.err(refusedUrlHelp(url, options.publicUrl));
      return EXIT.refused;
    }
    throw error;
  }

  const events = endpoint.events.length ? endpoint.events.join(', ') : 'all events';
  emit({ kind: 'listening', endpoint, receiving: receiver.url, ...(options.forwardTo ? { forwardTo: options.forwardTo } : {}) }, () =>
    [
      `Listening on ${receiver.url} for ${events}`,
      `  temporary endpoint ${endpoint!.id} -> ${url}`,
      `  signing secret     ${endpoint!.secret}   (for your handler to verify forwarded requests)`,
      ...(options.forwardTo ? [`  forwarding to      ${options.forwardTo}`] : []),
      '  Ctrl-C removes the endpoint and stops.',
      '',
    ].join('\n'),
  );

  await signals.next;
  try {
    await client.webhooks.remove(endpoint.id);
    emit({ kind: 'removed', id: endpoint.id }, () => `\nRemoved the temporary endpoint ${endpoint!.id}.`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof PosthasteApiError && error.status === 404) {
      emit({ kind: 'removed', id: endpoint.id, already: true }, () => `\nThe temporary endpoint ${endpoint!.id} was already removed.`);
      return EXIT.ok;
    }
    io.err(
      `error: could not remove the temporary endpoint ${endpoint.id} (${error instanceof Error ? error.message : String(error)}); remove it with: posthaste webhooks delete ${endpoint.id}`,
    );
    return error instanceof PosthasteApiError ? EXIT.refused : EXIT.unreachable;
  } finally {
    await receiver.stop();
  }
}
