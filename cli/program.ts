import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import {
  type BatchResult,
  type Email,
  type EmailFilters,
  type EventFilters,
  type PageOptions,
  Posthaste,
  PosthasteApiError,
  type SendEmailInput,
} from '../client/index.js';
import { ConfigError, type Env } from '../functions/compose/env.js';
import { DLQ_ENV_HELP } from './dlq-help.js';
import { fromEml, fromFlags, fromJsonFile, type SendFlags } from './email-input.js';
import { details, EXIT, type Io, pageOptions, pageOrDefaults, pageTable, progressBar, table, UsageError } from './output.js';
import { addTemplateCommands } from './templates.js';
import { addWebhookCommands } from './webhooks.js';

interface GlobalOptions {
  url?: string;
  apiKey?: string;
  sigv4?: boolean;
  region?: string;
  json?: boolean;
}

const BATCH = 100;
const packageVersion = (): string => (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const collect = (value: string, previous: string[] = []) => [...previous, value];

function clientFor(opts: GlobalOptions, env: Env): Posthaste {
  const baseUrl = opts.url ?? env.POSTHASTE_URL;
  if (!baseUrl) throw new ConfigError('no API URL: pass --url or set POSTHASTE_URL (e.g. http://127.0.0.1:3000 for npm start)');
  const apiKey = opts.apiKey ?? env.POSTHASTE_API_KEY;
  return new Posthaste({
    baseUrl,
    ...(apiKey && !opts.sigv4 ? { apiKey } : {}),
    ...(opts.sigv4 ? { sigv4: opts.region ? { region: opts.region } : true } : {}),
    timeoutMs: 30_000,
  });
}

function describeEmail(email: Email): string {
  const head = details([
    ['id', email.id],
    ['status', email.status],
    ['from', email.from],
    ['to', [...email.to, ...email.cc, ...email.bcc].join(', ')],
    ['subject', email.subject],
    ['created', email.createdAt],
    ['scheduled', email.scheduledAt],
    ['attempts', email.attempts],
    ['relay', email.relayResponse],
    ['failure', email.failureReason],
  ]);
  const events = table(
    ['at', 'event', 'detail'],
    email.events.map((e) => [e.at, e.type, [e.recipients?.join(','), e.response, e.detail].filter(Boolean).join(' — ')]),
  );
  return `${head}\n\n${events}`;
}

function batchRows(results: BatchResult['results']): string[][] {
  return results.map((r) => ('error' in r ? [String(r.index), 'refused', '', r.error.detail] : [String(r.index), r.status, r.id, r.scheduledAt ?? '']));
}

/** A result of the n-th chunk, renumbered to the item's place in the whole file (index and `[i]` fields). */
function shiftIndex(result: BatchResult['results'][number], offset: number): BatchResult['results'][number] {
  const index = result.index + offset;
  if (!('error' in result)) return { ...result, index };
  const field = (f: string) => f.replace(/^\[\d+\]/, `[${index}]`);
  const error = { ...result.error, detail: field(result.error.detail) };
  if (error.field !== undefined) error.field = field(error.field);
  if (error.errors) error.errors = error.errors.map((e) => ({ ...e, field: field(e.field) }));
  return { index, error };
}

/** Builds the CLI. `run` returns the exit code instead of exiting, so tests can call it. */
export async function run(argv: string[], io: Io, env: Env): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('posthaste')
    .description('Send email through Posthaste and look after what happens to it.')
    .addOption(new Option('--url <url>', 'API base URL (default: $POSTHASTE_URL)'))
    .addOption(new Option('--api-key <key>', 'API key (default: $POSTHASTE_API_KEY)'))
    .option('--sigv4', 'sign requests with AWS SigV4 (IAM endpoint; default AWS credential chain)')
    .option('--region <region>', 'AWS region for --sigv4 (default: $AWS_REGION)')
    .option('--json', 'print JSON instead of tables (for scripts)')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Exit codes: 0 done; 1 the API refused it (or some items of a batch); 2 usage error; 3 API or AWS unreachable, or configuration missing.

Examples:
  posthaste send --from app@example.com --to you@example.org --subject Hi --text Hello
  posthaste send welcome.eml
  posthaste send batch.json          # a JSON array: sent in batches of 100, with a progress bar
  posthaste status 0190a1b2-…
  posthaste emails list --status bounced --since 2030-01-31
  posthaste emails list --recipient you@example.org
  posthaste suppressions list --json
  posthaste console --url https://abc.execute-api.eu-west-1.amazonaws.com/prod --api-key ph_…
  posthaste templates push templates/   # one folder per alias; see docs/templates.md`,
  );

  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;
  const print = (command: Command, value: unknown, text: () => string) => io.out(globals(command).json ? JSON.stringify(value, null, 2) : text());

  program
    .command('send')
    .description('send one email from flags or a file (.eml, .json); a JSON array is sent as a batch')
    .argument('[file]', 'an .eml message, or a .json email (object) or batch (array)')
    .option('--from <address>', 'sender, e.g. "App <app@example.com>"')
    .option('--to <address>', 'recipient (repeat for more)', collect)
    .option('--cc <address>', 'copy recipient (repeatable)', collect)
    .option('--bcc <address>', 'blind copy recipient (repeatable)', collect)
    .option('--reply-to <address>', 'reply-to address (repeatable)', collect)
    .option('--subject <text>', 'subject')
    .option('--text <text>', 'plain-text body')
    .option('--text-file <file>', 'plain-text body from a file')
    .option('--html <html>', 'HTML body')
    .option('--html-file <file>', 'HTML body from a file')
    .option('--attach <file>', 'attach a file (repeatable)', collect)
    .option('--header <"Name: value">', 'extra header (repeatable)', collect)
    .option('--tag <name=value>', 'tag (repeatable)', collect)
    .option('--scheduled-at <iso>', 'send later: ISO 8601 with an offset, at most 30 days ahead')
    .option('--idempotency-key <key>', 'make a retry of this command safe')
    .action(async (file: string | undefined, flags: SendFlags & { idempotencyKey?: string }, command: Command) => {
      const client = clientFor(globals(command), env);
      const overrides = fromFlags(flags);
      // Flags win over the file; the API checks what the two make together.
      let input: object | object[] = overrides;
      if (file) {
        if (/\.eml$/i.test(file)) input = { ...(await fromEml(file)), ...overrides };
        else if (/\.json$/i.test(file)) {
          const loaded = fromJsonFile(file);
          input = Array.isArray(loaded) ? loaded.map((e) => ({ ...e, ...overrides })) : { ...loaded, ...overrides };
        } else throw new UsageError(`${file}: expected an .eml or .json file`);
      }
      const key = flags.idempotencyKey ? { idempotencyKey: flags.idempotencyKey } : {};
      if (!Array.isArray(input)) {
        const accepted = await client.send(input as SendEmailInput, key);
        print(command, accepted, () =>
          details([
            ['id', accepted.id],
            ['status', accepted.status],
            ['scheduled', accepted.scheduledAt],
          ]),
        );
        return;
      }
      const emails = input as SendEmailInput[];
      if (emails.length === 0) throw new UsageError(`${file} holds an empty array`);
      const bar = progressBar(io, 'sending');
      const results: BatchResult['results'] = [];
      bar.update(0, emails.length);
      for (let start = 0; start < emails.length; start += BATCH) {
        const chunk = emails.slice(start, start + BATCH);
        const chunkKey = flags.idempotencyKey ? { idempotencyKey: `${flags.idempotencyKey}:${start / BATCH}` } : {};
        const result = await client.sendBatch(chunk, chunkKey);
        results.push(...result.results.map((r) => shiftIndex(r, start)));
        bar.update(start + chunk.length, emails.length);
      }
      bar.done();
      const failed = results.filter((r) => 'error' in r).length;
      print(
        command,
        { results, accepted: results.length - failed, failed },
        () => `${table(['#', 'status', 'id', 'detail'], batchRows(results))}\n\n${results.length - failed} accepted, ${failed} refused`,
      );
      if (failed > 0) exitCode = EXIT.refused;
    });

  program
    .command('status')
    .description('show the status and history of an email')
    .argument('<id>', 'the id returned by send')
    .action(async (id: string, _opts, command: Command) => {
      const email = await clientFor(globals(command), env).get(id);
      print(command, email, () => describeEmail(email));
    });

  program
    .command('cancel')
    .description('cancel an email that has not been handed to delivery (e.g. a scheduled one)')
    .argument('<id>', 'the id returned by send')
    .action(async (id: string, _opts, command: Command) => {
      const canceled = await clientFor(globals(command), env).cancel(id);
      print(command, canceled, () => `${canceled.id} ${canceled.status}`);
    });

  // bounces, emails list and events pass their options as given: the client leaves unset and empty ones out
  // of the query. suppressions list leaves out a --limit of 0 as well (pageOrDefaults).
  pageOptions(
    program
      .command('bounces')
      .description("bounce and complaint records, newest first: a recipient's, or everyone's")
      .option('--recipient <address>', "only this recipient's")
      .option('--type <type>', 'without --recipient: bounce or complaint')
      .option('--since <time>', 'without --recipient: reported at or after (ISO 8601 or a date)'),
  ).action(async (opts: { recipient?: string; type?: 'bounce' | 'complaint'; since?: string; limit?: number; cursor?: string }, command: Command) => {
    const page = await clientFor(globals(command), env).bounces.list(opts);
    print(command, page, () =>
      pageTable(page, ['when', 'recipient', 'type', 'bounce', 'message', 'diagnostic'], (b) => [
        b.timestamp,
        b.recipient,
        b.type,
        [b.bounceType, b.bounceSubType].filter(Boolean).join('/'),
        b.messageId,
        b.diagnosticCode ?? b.complaintFeedbackType,
      ]),
    );
  });

  const emails = program.command('emails').description('the email log');
  pageOptions(
    emails
      .command('list')
      .description('messages, newest first; the filters combine')
      .option('--status <status>', 'queued, sent, delivered, bounced, complained, failed, suppressed, scheduled or canceled')
      .option('--recipient <address>', 'sent to this address (to, cc or bcc)')
      .option('--from <address>', 'sent from this address')
      .option('--tag <name:value>', 'with this tag')
      .option('--since <time>', 'created at or after (ISO 8601 or a date)')
      .option('--until <time>', 'created at or before'),
  ).action(async (opts: EmailFilters & PageOptions, command: Command) => {
    const page = await clientFor(globals(command), env).emails.list(opts);
    print(command, page, () =>
      pageTable(page, ['created', 'status', 'id', 'to', 'subject', 'last event'], (m) => [
        m.createdAt,
        m.status,
        m.id,
        [...m.to, ...(m.cc ?? []), ...(m.bcc ?? [])].join(', '),
        m.subject,
        m.lastEvent?.type ?? '',
      ]),
    );
  });

  pageOptions(
    program
      .command('events')
      .description('the webhook events, oldest first (what the webhooks POST)')
      .option('--since <time>', 'happened at or after (ISO 8601 or a date)')
      .option('--type <type>', 'only this type, e.g. email.bounced'),
  ).action(async (opts: EventFilters & PageOptions, command: Command) => {
    const page = await clientFor(globals(command), env).events.list(opts);
    print(command, page, () =>
      pageTable(page, ['at', 'type', 'email', 'recipients', 'detail'], (e) => [
        e.createdAt,
        e.type,
        e.data.id,
        (e.data.recipients ?? e.data.to).join(', '),
        e.data.detail ?? e.data.response ?? '',
      ]),
    );
  });

  const suppressions = program.command('suppressions').description('addresses Posthaste no longer sends to');
  pageOptions(suppressions.command('list').description('list suppressed addresses')).action(
    async (opts: { limit?: number; cursor?: string }, command: Command) => {
      const page = await clientFor(globals(command), env).suppressions.list(pageOrDefaults(opts));
      print(command, page, () =>
        pageTable(page, ['address', 'reason', 'since', 'detail'], (s) => [s.address, s.reason, s.createdAt, s.diagnosticCode ?? s.bounceType]),
      );
    },
  );
  suppressions
    .command('get')
    .description('show why an address is suppressed')
    .argument('<address>')
    .action(async (address: string, _opts, command: Command) => {
      const entry = await clientFor(globals(command), env).suppressions.get(address);
      print(command, entry, () => details(Object.entries(entry) as [string, string][]));
    });
  suppressions
    .command('remove')
    .description('send to an address again')
    .argument('<address>')
    .action(async (address: string, _opts, command: Command) => {
      await clientFor(globals(command), env).suppressions.remove(address);
      print(command, { address, removed: true }, () => `${address} removed from the suppression list`);
    });

  addTemplateCommands(program, { client: (command) => clientFor(globals(command), env), print });

  addWebhookCommands(program, {
    client: (command) => clientFor(globals(command), env),
    print,
    io,
    argv,
    exit: (code) => {
      exitCode = code;
    },
  });

  program
    .command('console')
    .description('serve the operator console on this machine; its API calls go to --url with your key, which stays here')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', (v) => Number(v), 3100)
    .action(async (opts: { port: number }, command: Command) => {
      const { url, apiKey, sigv4, region } = globals(command);
      const target = url ?? env.POSTHASTE_URL;
      if (!target)
        throw new ConfigError(
          'no API URL: pass --url or set POSTHASTE_URL (the deployed stage URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod)',
        );
      if (!/^https?:\/\/[^/]/.test(target)) throw new UsageError(`--url ${target}: expected an http(s) URL`);
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new UsageError('--port: expected a port number from 0 to 65535');
      const key = apiKey ?? env.POSTHASTE_API_KEY;
      // Loaded here: only this command serves pages.
      const [{ startConsoleForwarder }, { loadConsole }] = await Promise.all([import('./console.js'), import('../local/console-assets.js')]);
      const files = await loadConsole(new URL('../dist/console/', import.meta.url));
      const forwarder = await startConsoleForwarder({
        target,
        files,
        port: opts.port,
        ...(key && !sigv4 ? { apiKey: key } : {}),
        ...(sigv4 ? { sigv4: region ? { region } : true } : {}),
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') throw new UsageError(`port ${opts.port} is in use: pick another with --port (0 picks a free one)`);
        throw error;
      });
      const auth = sigv4
        ? 'signed with SigV4'
        : key
          ? 'with your API key (it stays in this process)'
          : 'without a key (the page asks for one if the API wants it)';
      io.out(`Posthaste console  ${forwarder.consoleUrl}\n  API calls go to ${target} ${auth}\n  Ctrl-C stops it.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await forwarder.stop();
    });

  program
    .command('keys')
    .description('create, list and revoke API keys (talks to DynamoDB directly; run `posthaste keys --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[], _opts, command: Command) => {
      // --json may have been read as the global option: hand it on.
      const json = globals(command).json && !args.includes('--json') ? ['--json'] : [];
      // Loaded here: the DynamoDB and API Gateway clients weigh more than the rest of the CLI.
      const { runKeys } = await import('./keys.js');
      exitCode = await runKeys([...args, ...json], env, io);
    });

  const dlq = program.command('dlq').description("the send queue's dead-letter queue");
  dlq
    .command('redrive')
    .description('move dead letters back to the send queue; messages whose retries ran out are delivered again')
    .option('--limit <n>', 'move at most this many', (v) => Number(v))
    .addHelpText('after', `\n${DLQ_ENV_HELP}`)
    .action(async (opts: { limit?: number }, command: Command) => {
      // Loaded here: the SQS and DynamoDB clients weigh more than the rest of the CLI.
      const { redrive } = await import('./dlq.js');
      const bar = progressBar(io, 'redriving');
      const report = await redrive(env, { ...(opts.limit ? { limit: opts.limit } : {}), onProgress: (done, total) => bar.update(done, total) });
      bar.done();
      print(
        command,
        report,
        () =>
          `moved ${report.moved} message(s) back to the send queue (${report.requeued} reset from failed to queued)${report.failed ? `; ${report.failed} could not be moved and stay in the DLQ` : ''}`,
      );
      if (report.failed > 0) exitCode = EXIT.refused;
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(error, io, argv.includes('--json'));
  }
}

/** One clear line (or a JSON problem with --json) and the exit code for it. */
function report(error: unknown, io: Io, json: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof PosthasteApiError) {
    if (json) io.out(JSON.stringify(error.problem, null, 2));
    else {
      io.err(`error: ${error.problem.detail} (${error.status} ${error.code})`);
      for (const issue of error.problem.errors ?? []) io.err(`  ${issue.field}: ${issue.message}`);
    }
    return EXIT.refused;
  }
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    io.err(`error: ${error.message}`);
    return EXIT.unreachable;
  }
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  io.err(`error: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}`);
  return EXIT.unreachable;
}
