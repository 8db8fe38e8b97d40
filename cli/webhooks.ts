/**
 * `posthaste webhooks …`: the endpoints Posthaste POSTs signed events to, what became of each
 * delivery, and `listen` (cli/webhook-listen.ts) for trying a handler against `npm start`.
 * Everything goes through the typed client, so the API's own validation answers bad input.
 */
import { type Command, Option } from 'commander';
import type { Posthaste, WebhookDelivery, WebhookEndpoint, WebhookEndpointCreated, WebhookEndpointRequest } from '../client/index.js';
import { details, type Io, more, pageOptions, pageOrDefaults, pageTable, table, UsageError } from './output.js';

export interface WebhookCommandContext {
  client: (command: Command) => Posthaste;
  print: (command: Command, value: unknown, text: () => string) => void;
  io: Io;
  /** Sets the exit code of the run (a command that reports a failure without throwing). */
  exit: (code: number) => void;
  /** The command line as given (after the program's name). */
  argv: readonly string[];
}

type EventTypes = NonNullable<WebhookEndpointRequest['events']>;

/** `a,b` → the list the API takes; `all` (or nothing) → every type. The API checks the names. */
export const parseEvents = (value: string): EventTypes =>
  value.trim() === 'all'
    ? []
    : (value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean) as EventTypes);

const eventsText = (events: readonly string[]) => (events.length === 0 ? 'all' : events.join(', '));
const stateText = (e: WebhookEndpoint) => {
  if (e.enabled) return 'enabled';
  const reason = e.disabledReason;
  return reason?.startsWith('disabled') ? reason : `disabled${reason ? `: ${reason}` : ''}`;
};

/**
 * `--url` is also the program's own option (the API's URL), and commander hands every `--url`
 * on the line to the program, wherever it stands. For `webhooks create|update` the one after
 * the command's name means the endpoint's URL: this takes it back, and leaves the program only
 * a `--url` given before `webhooks`. Returns the endpoint's URL, if one was given.
 */
export function claimEndpointUrl(command: Command, argv: readonly string[]): string | undefined {
  const root = command.parent!.parent!;
  const group = argv.indexOf(command.parent!.name());
  const leaf = argv.indexOf(command.name(), group + 1);
  const urlAt = (from: number, to: number) => {
    let url: string | undefined;
    for (let i = from; i < to; i++) {
      const arg = argv[i]!;
      if (arg === '--') break;
      if (arg === '--url') url = argv[++i];
      else if (arg.startsWith('--url=')) url = arg.slice('--url='.length);
    }
    return url;
  };
  root.setOptionValue('url', urlAt(0, group));
  return urlAt(leaf + 1, argv.length);
}

export function describeEndpoint(e: WebhookEndpoint): string {
  return details([
    ['id', e.id],
    ['url', e.url],
    ['events', eventsText(e.events)],
    ['description', e.description],
    ['state', stateText(e)],
    ['failures', e.consecutiveFailures ? `${e.consecutiveFailures} in a row${e.failingSince ? ` since ${e.failingSince}` : ''}` : undefined],
    ['disabled at', e.disabledAt],
    ['created', e.createdAt],
    ['updated', e.updatedAt],
  ]);
}

/** The endpoint and its secret, with the one thing to remember: the API never shows it again. */
function describeWithSecret(e: WebhookEndpointCreated, note: string): string {
  return `${describeEndpoint(e)}\n\nsigning secret  ${e.secret}\n\n${note}`;
}

/** Each delivery, then a line per attempt: when, status code (or none), duration, and the error or reply. */
export function describeDeliveries(deliveries: WebhookDelivery[]): string {
  if (deliveries.length === 0) return 'no deliveries yet';
  return deliveries
    .map((d) => {
      const head = `${d.createdAt}  ${d.deliveryId}  ${d.eventType}  ${d.status}  message ${d.messageId}  webhook-id ${d.eventId}`;
      if (d.attempts.length === 0) return `${head}\n  (no attempt yet)`;
      const attempts = table(
        ['#', 'at', 'status', 'duration', 'error / reply'],
        d.attempts.map((a, i) => [
          String(i + 1),
          a.at,
          a.statusCode ?? '—',
          `${a.durationMs} ms`,
          (a.error ?? a.reply ?? '').replace(/\s+/g, ' ').slice(0, 120),
        ]),
      );
      return `${head}\n${attempts.replace(/^/gm, '  ')}`;
    })
    .join('\n\n');
}

export function addWebhookCommands(program: Command, ctx: WebhookCommandContext): void {
  const { client, print } = ctx;
  const webhooks = program
    .command('webhooks')
    .description('endpoints that receive signed events (sent, delivered, bounced, …) and their deliveries')
    .addHelpText(
      'after',
      `
Examples:
  posthaste webhooks create --url https://app.example.com/hooks --events email.delivered,email.bounced
  posthaste webhooks deliveries wh_…            # every attempt: status code, duration, error
  posthaste webhooks listen --forward-to http://127.0.0.1:8787/webhooks   # against npm start`,
    );

  webhooks
    .command('create')
    .description('register an endpoint; prints its signing secret, the only time it is shown')
    .option('--url <url>', 'where events are POSTed (https; plain http to loopback with npm start); required')
    .option('--events <types>', 'comma-separated event types, e.g. email.delivered,email.bounced (default: all)', parseEvents)
    .option('--description <text>', 'what this endpoint is for')
    .action(async (opts: { events?: EventTypes; description?: string }, command: Command) => {
      const url = claimEndpointUrl(command, ctx.argv);
      if (url === undefined) throw new UsageError("required option '--url <url>' not specified");
      const created = await client(command).webhooks.create({
        url,
        ...(opts.events ? { events: opts.events } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
      });
      print(command, created, () =>
        describeWithSecret(created, 'Store the secret now (e.g. POSTHASTE_WEBHOOK_SECRET): Posthaste never shows it again. Verify each request with it.'),
      );
    });

  pageOptions(webhooks.command('list').description('list endpoints (never with their secrets)')).action(
    async (opts: { limit?: number; cursor?: string }, command: Command) => {
      const page = await client(command).webhooks.list(pageOrDefaults(opts));
      print(command, page, () =>
        pageTable(page, ['id', 'url', 'events', 'state', 'description'], (e) => [e.id, e.url, eventsText(e.events), stateText(e), e.description]),
      );
    },
  );

  webhooks
    .command('get')
    .description('show one endpoint: events, state, failures in a row')
    .argument('<id>')
    .action(async (id: string, _opts, command: Command) => {
      const endpoint = await client(command).webhooks.get(id);
      print(command, endpoint, () => describeEndpoint(endpoint));
    });

  webhooks
    .command('update')
    .description('change an endpoint; --enable turns it on again after it was disabled (and resets its failure count)')
    .argument('<id>')
    .option('--url <url>', 'new URL')
    .option('--events <types>', 'comma-separated event types, or "all"', parseEvents)
    .option('--description <text>', 'new description')
    .addOption(new Option('--enable', 'deliver to it again').conflicts('disable'))
    .addOption(new Option('--disable', 'stop delivering to it: events while it is off are not sent to it, and pending retries to it fail'))
    .action(async (id: string, opts: { events?: EventTypes; description?: string; enable?: boolean; disable?: boolean }, command: Command) => {
      const url = claimEndpointUrl(command, ctx.argv);
      const changes: Partial<WebhookEndpointRequest> = {
        ...(url !== undefined ? { url } : {}),
        ...(opts.events ? { events: opts.events } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(opts.enable ? { enabled: true } : opts.disable ? { enabled: false } : {}),
      };
      if (Object.keys(changes).length === 0) throw new UsageError('nothing to change: pass --url, --events, --description, --enable or --disable');
      const endpoint = await client(command).webhooks.update(id, changes);
      print(command, endpoint, () => describeEndpoint(endpoint));
    });

  webhooks
    .command('delete')
    .description('remove an endpoint; deliveries still queued for it are dropped')
    .argument('<id>')
    .action(async (id: string, _opts, command: Command) => {
      await client(command).webhooks.remove(id);
      print(command, { id, deleted: true }, () => `webhook endpoint ${id} deleted`);
    });

  webhooks
    .command('rotate')
    .description('give an endpoint a new signing secret; the previous one keeps signing beside it for 24 hours')
    .argument('<id>')
    .action(async (id: string, _opts, command: Command) => {
      const rotated = await client(command).webhooks.rotateSecret(id);
      print(command, rotated, () =>
        describeWithSecret(
          rotated,
          'Store the new secret now: Posthaste never shows it again. For 24 hours each request carries two signatures (old and new secret), so switch your receiver within that time.',
        ),
      );
    });

  pageOptions(
    webhooks
      .command('deliveries')
      .description("an endpoint's deliveries, newest first, each with every attempt (status code, duration, error)")
      .argument('<id>'),
  ).action(async (id: string, opts: { limit?: number; cursor?: string }, command: Command) => {
    const page = await client(command).webhooks.deliveries(id, pageOrDefaults(opts));
    print(command, page, () => [describeDeliveries(page.data), ...more(page.nextCursor)].join('\n'));
  });

  webhooks
    .command('retry')
    .description('send one delivery again now, with the same webhook-id')
    .argument('<id>', 'the endpoint')
    .argument('<deliveryId>', 'from `webhooks deliveries <id>`')
    .action(async (id: string, deliveryId: string, _opts, command: Command) => {
      const queued = await client(command).webhooks.retryDelivery(id, deliveryId);
      print(command, queued, () => `delivery ${deliveryId} of ${id} queued to be sent again (same webhook-id)`);
    });

  webhooks
    .command('listen')
    .description('try your webhook handler locally: a temporary endpoint on this machine that prints (and optionally forwards) every event until Ctrl-C')
    .option('--forward-to <url>', "POST each verified event, body and webhook-* headers unchanged, to your app's handler and answer with its status")
    .option('--events <types>', 'comma-separated event types (default: all)', parseEvents)
    .option('--port <n>', 'port on 127.0.0.1 to receive on (default: a free one)', (v) => Number(v))
    .option('--public-url <url>', 'register this https URL instead (a tunnel to --port), for an API that only posts to public addresses')
    .addHelpText(
      'after',
      `
The endpoint is http://127.0.0.1:<port>/, which the local pipeline (npm start) accepts; a
deployed API only posts to public https URLs, so there pass --public-url with a tunnel.
Ctrl-C (or SIGTERM) removes the endpoint. Its signing secret is printed at the start: give
it to your handler to verify the forwarded requests.`,
    )
    .action(async (opts: { forwardTo?: string; events?: EventTypes; port?: number; publicUrl?: string }, command: Command) => {
      const port = opts.port ?? 0;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port: expected a port number from 0 to 65535');
      if (opts.forwardTo !== undefined && !/^https?:\/\/[^/]/.test(opts.forwardTo))
        throw new UsageError(`--forward-to ${opts.forwardTo}: expected an http(s) URL`);
      // Loaded here: only this command serves HTTP.
      const { listen } = await import('./webhook-listen.js');
      ctx.exit(
        await listen({
          client: client(command),
          io: ctx.io,
          json: Boolean((command.optsWithGlobals() as { json?: boolean }).json),
          port,
          ...(opts.forwardTo ? { forwardTo: opts.forwardTo } : {}),
          ...(opts.events ? { events: opts.events } : {}),
          ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
        }),
      );
    });
}
