import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerStub {
  url: string;
  /** SecretId → SecretString. */
  secrets: Map<string, string>;
  /** GetSecretValue calls answered so far. */
  requests(): number;
  stop(): Promise<void>;
}

/**
 * Secrets Manager has no npm stand-in: this loopback stub answers GetSecretValue in the
 * service's JSON protocol (what the real SDK client sends), and ResourceNotFoundException
 * for unknown ids.
 */
export async function startSecretsManagerStub(): Promise<SecretsManagerStub> {
  const secrets = new Map<string, string>();
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return res.writeHead(400).end(JSON.stringify({ __type: 'InvalidRequestException', message: 'unexpected operation' }));
      const value = secrets.get(SecretId);
      if (value === undefined)
        return res.writeHead(400).end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
      res.writeHead(200).end(JSON.stringify({ ARN: SecretId, Name: SecretId.split(':').pop(), SecretString: value, VersionId: 'v1' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    requests: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
