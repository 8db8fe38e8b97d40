import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  file?: string;
  at: number;
  /** The sink kept the message but the client never saw the 250 (fault injection). */
  replyLost?: boolean;
}

/** Fault hooks: return an error with `responseCode` to answer RCPT or DATA with it. */
export interface SinkFaults {
  onRcpt?: (address: string, session: SMTPServerSession) => { responseCode: number; message: string } | undefined;
  /**
   * 'drop': lose the connection before accepting (the client must retry);
   * 'accept-then-drop': keep the message, then lose the connection before the reply —
   * the one case where SMTP itself makes a duplicate unavoidable.
   */
  onData?: (raw: Buffer, session: SMTPServerSession) => { responseCode: number; message: string } | 'drop' | 'accept-then-drop' | undefined;
}

export interface SinkOptions {
  /** Folder for `.eml` files; omit to keep messages in memory only. */
  outbox?: string;
  port?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
  faults?: SinkFaults;
  /** Mail for which this is true is accepted and kept in memory, but not written to the outbox. */
  skipOutbox?: (envelope: { from: string; to: string[] }) => boolean;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMessage[];
  stop(): Promise<void>;
}

/** Our X-Posthaste-Id header in a raw message (headers only: the first 16 KB is plenty). */
export const posthasteIdOf = (raw: Buffer): string | undefined => /^X-Posthaste-Id: *(\S+)/im.exec(raw.subarray(0, 16_384).toString('latin1'))?.[1];

const safeName = (value: string) => value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);

/** A local relay that keeps what it receives: `.eml` files in an outbox, and in memory. */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  if (options.outbox) mkdirSync(options.outbox, { recursive: true });
  const received: ReceivedMessage[] = [];
  const server = new SMTPServer({
    secure: false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    allowInsecureAuth: !options.tls,
    logger: false,
    size: 40 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const fault = options.faults?.onRcpt?.(address.address, session);
      if (fault) return callback(Object.assign(new Error(fault.message), { responseCode: fault.responseCode }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const fault = options.faults?.onData?.(raw, session);
        const dropConnection = () => {
          // Lose the connection before the reply, as a crashing relay would.
          const connections = (server as unknown as { connections: Set<{ session: unknown; _socket: { destroy(): void } }> }).connections;
          for (const connection of connections) if (connection.session === session) connection._socket.destroy();
        };
        if (fault === 'drop') return dropConnection();
        if (fault && fault !== 'accept-then-drop') return callback(Object.assign(new Error(fault.message), { responseCode: fault.responseCode }));
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const message: ReceivedMessage = { raw, envelope, at: Date.now(), ...(fault === 'accept-then-drop' ? { replyLost: true } : {}) };
        if (options.outbox && !options.skipOutbox?.(envelope)) {
          const id = posthasteIdOf(raw) ?? `${Date.now()}`;
          const file = join(options.outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeName(id)}.eml`);
          writeFileSync(file, raw);
          writeFileSync(file.replace(/\.eml$/, '.envelope.json'), JSON.stringify(envelope, null, 2));
          message.file = file;
        }
        received.push(message);
        if (fault === 'accept-then-drop') return dropConnection();
        callback(null, `Ok: queued as ${received.length}`);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // A client that dies mid-session (a killed worker) resets its connection: that is the
  // client's problem, not the relay's, exactly as on a real relay.
  server.on('error', () => undefined);
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
