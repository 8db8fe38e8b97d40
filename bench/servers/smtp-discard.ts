/**
 * Discarding SMTP relays in a process of their own: one plain, one with STARTTLS + AUTH
 * (certificate and key PEM in BENCH_TLS_CERT / BENCH_TLS_KEY, argv: user, password).
 * Every message is read to the end and thrown away.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

const [user, pass] = process.argv.slice(2);

const discard: SMTPServerOptions['onData'] = (stream, _session, callback) => {
  stream.on('end', () => callback(null, 'Ok: discarded'));
  stream.resume();
};

function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
}

const plain = new SMTPServer({ logger: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], size: 40 * 1024 * 1024, onData: discard });
const secure = new SMTPServer({
  logger: false,
  key: process.env.BENCH_TLS_KEY,
  cert: process.env.BENCH_TLS_CERT,
  size: 40 * 1024 * 1024,
  onAuth(auth, _session, callback) {
    if (auth.username === user && auth.password === pass) return callback(null, { user });
    callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
  },
  onData: discard,
});

console.log(JSON.stringify({ plainPort: await listen(plain), tlsPort: await listen(secure) }));
process.on('SIGTERM', () => {
  plain.close(() => secure.close(() => process.exit(0)));
});
