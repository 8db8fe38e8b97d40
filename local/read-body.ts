import type { IncomingMessage } from 'node:http';

/**
 * A request's whole body, or undefined as soon as it passes `maxBytes`: the rest is not
 * read, and the socket stays open so the caller can still answer (or drop it). The local
 * gateway, the console forwarder and the webhook receiver share it, so it imports nothing
 * but a Node type: the CLI bundles it without the local pipeline.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
