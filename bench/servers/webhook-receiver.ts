/** A webhook receiver in a process of its own: answers 204 to every POST, as a fast app would. */
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(204).end());
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}/hooks` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
