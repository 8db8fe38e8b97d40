import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '../../cli/keys.js';
import { DynamoDbApiKeyStore } from '../../functions/adapters/dynamodb-api-key-store.js';
import { tableDefinitions } from '../../functions/adapters/tables.js';
import { createAuthorizerHandler } from '../../functions/authorizer/token-authorizer.js';
import { awsSettingsFromEnv, dynamoClient } from '../../functions/compose/clients.js';
import { silentLog } from '../../functions/core/log.js';

const TABLE = 'posthaste-api-keys';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/live/POST/v1/emails';

let dynamo: Server;
let env: Record<string, string>;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  dynamo = dynalite({ createTableMs: 0 });
  const endpoint = await listen(dynamo);
  env = { API_KEYS_TABLE: TABLE, POSTHASTE_DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'eu-west-1' };
  await dynamoClient(awsSettingsFromEnv(env)).send(new CreateTableCommand(tableDefinitions().apiKeys));
});
afterAll(() => new Promise<void>((resolve) => dynamo.close(() => resolve())));

/** Runs the key tool as a user would and captures what it prints. */
async function keys(args: string[], extraEnv: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKeys(args, { ...env, ...extraEnv }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function createKey(name: string, extraEnv: Record<string, string> = {}) {
  const result = await keys(['create', '--name', name, '--json'], extraEnv);
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out) as { keyId: string; apiKey: string; name: string; usagePlan: boolean };
}

const authorizer = () => createAuthorizerHandler(new DynamoDbApiKeyStore(dynamoClient(awsSettingsFromEnv(env)), TABLE), silentLog);
const authorize = (headers: Record<string, string>) =>
  authorizer()(
    { type: 'REQUEST', methodArn: METHOD_ARN, headers, requestContext: { requestId: 'r1' } } as unknown as APIGatewayRequestAuthorizerEvent,
    {} as never,
  );

describe('keys create', () => {
  it('prints the key once and stores only its hash', async () => {
    const created = await createKey('billing-service');
    const item = await dynamoClient(awsSettingsFromEnv(env)).send(new GetItemCommand({ TableName: TABLE, Key: { keyId: { S: created.keyId } } }));
    const secret = created.apiKey.split('_').slice(2).join('_');
    expect(item.Item?.secretHash?.S).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(item.Item)).not.toContain(secret);
    expect(item.Item?.name?.S).toBe('billing-service');
  });

  it('the text output shows the key and how to send it', async () => {
    const result = await keys(['create', '--name', 'newsletter']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/ph_[a-z0-9]{16}_[A-Za-z0-9_-]{43}/);
    expect(result.out).toContain('shown only this once');
    expect(result.out).toContain('Authorization: Bearer');
  });

  it('without --name it explains what is missing', async () => {
    const result = await keys(['create']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--name');
  });

  it('without a table it names both ways to give one', async () => {
    const result = await runKeys(
      ['list'],
      { POSTHASTE_DYNAMODB_ENDPOINT: env.POSTHASTE_DYNAMODB_ENDPOINT },
      { out: () => undefined, err: (l) => expect(l).toContain('API_KEYS_TABLE') },
    );
    expect(result).toBe(2);
  });
});

describe('the command line entry', () => {
  it('runs as a program: creates a key and exits 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/keys.ts', 'create', '--name', 'from-shell', '--json'], {
      env: { ...process.env, ...env },
    });
    expect(JSON.parse(stdout)).toMatchObject({ name: 'from-shell', apiKey: expect.stringMatching(/^ph_/) });
  });

  it('exits 2 with the usage on an unknown command', async () => {
    const failed = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/keys.ts', 'rotate'], { env: { ...process.env, ...env } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command rotate') });
  });
});

describe('authorizer against the table', () => {
  it('allows a live key for the whole stage, as the key principal', async () => {
    const created = await createKey('orders');
    const result = await authorize({ Authorization: `Bearer ${created.apiKey}` });
    expect(result.principalId).toBe(`key:${created.keyId}`);
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/live/*' },
    ]);
    expect(result.context).toEqual({ keyId: created.keyId, keyName: 'orders' });
  });

  it('reads the header in any letter case', async () => {
    const created = await createKey('lowercase');
    await expect(authorize({ authorization: `Bearer ${created.apiKey}` })).resolves.toMatchObject({ principalId: `key:${created.keyId}` });
  });

  it('refuses a key with the right id and a wrong secret', async () => {
    const created = await createKey('tampered');
    const forged = `${created.apiKey.slice(0, -2)}${created.apiKey.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(authorize({ Authorization: `Bearer ${forged}` })).rejects.toThrow('Unauthorized');
  });

  it('refuses a missing header', async () => {
    await expect(authorize({})).rejects.toThrow('Unauthorized');
  });

  it('refuses a key that does not exist', async () => {
    await expect(authorize({ Authorization: `Bearer ph_${'z'.repeat(16)}_${'x'.repeat(43)}` })).rejects.toThrow('Unauthorized');
  });
});

describe('keys list and revoke', () => {
  it('a revoked key is refused and listed as revoked', async () => {
    const created = await createKey('to-revoke');
    await expect(authorize({ Authorization: `Bearer ${created.apiKey}` })).resolves.toBeDefined();

    const revoked = await keys(['revoke', created.keyId]);
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain(`Revoked key ${created.keyId}`);
    await expect(authorize({ Authorization: `Bearer ${created.apiKey}` })).rejects.toThrow('Unauthorized');

    const listed = JSON.parse((await keys(['list', '--json'])).out) as { keyId: string; status: string }[];
    expect(listed.find((k) => k.keyId === created.keyId)?.status).toBe('revoked');
  });

  it('revoking twice keeps the first revocation time', async () => {
    const created = await createKey('twice');
    const first = JSON.parse((await keys(['revoke', created.keyId, '--json'])).out) as { revokedAt: string };
    await new Promise((r) => setTimeout(r, 5));
    const second = JSON.parse((await keys(['revoke', created.keyId, '--json'])).out) as { revokedAt: string };
    expect(second.revokedAt).toBe(first.revokedAt);
  });

  it('revoking an unknown key fails with a clear message', async () => {
    const result = await keys(['revoke', 'qqqqqqqqqqqqqqqq']);
    expect(result.code).toBe(1);
    expect(result.err).toBe('no key with id qqqqqqqqqqqqqqqq');
  });

  it('the listing never shows a secret or a hash', async () => {
    await createKey('listed');
    const result = await keys(['list']);
    expect(result.out.split('\n')[0]).toMatch(/^KEY ID\s+STATUS\s+CREATED\s+REVOKED\s+NAME$/);
    expect(result.out).toContain('listed');
    expect(result.out).not.toMatch(/ph_|[0-9a-f]{64}/);
    expect((await keys(['list', '--json'])).out).not.toContain('secretHash');
  });
});

/**
 * The usage plan: a loopback stand-in for the three API Gateway calls the tool makes
 * (CreateApiKey, CreateUsagePlanKey, UpdateApiKey), recording what it was asked.
 */
describe('keys with a usage plan', () => {
  const calls: { method: string; path: string; body: unknown }[] = [];
  let apigw: Server;
  let usageEnv: Record<string, string>;

  beforeAll(async () => {
    apigw = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ method: req.method!, path: req.url!, body: body ? JSON.parse(body) : undefined });
        res.setHeader('content-type', 'application/json');
        if (req.method === 'POST' && req.url === '/apikeys')
          return res.writeHead(201).end(JSON.stringify({ id: `gw${calls.length}`, value: `usage-value-${calls.length}-0123456789abcdef`, enabled: true }));
        if (req.method === 'POST' && /^\/usageplans\/[^/]+\/keys$/.test(req.url!)) return res.writeHead(201).end(JSON.stringify({ id: 'x', type: 'API_KEY' }));
        if (req.method === 'PATCH' && req.url!.startsWith('/apikeys/')) return res.writeHead(200).end('{}');
        res.writeHead(404).end(JSON.stringify({ message: 'not stubbed' }));
      });
    });
    usageEnv = { POSTHASTE_USAGE_PLAN_ID: 'plan123', POSTHASTE_APIGATEWAY_ENDPOINT: await listen(apigw) };
  });
  afterAll(() => new Promise<void>((resolve) => apigw.close(() => resolve())));

  it('create registers an API Gateway key in the plan, and the authorizer names it', async () => {
    const created = await createKey('metered', usageEnv);
    expect(created.usagePlan).toBe(true);
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/apikeys', body: { name: `posthaste-${created.keyId}`, enabled: true } });
    expect(calls[1]).toMatchObject({ method: 'POST', path: '/usageplans/plan123/keys', body: { keyId: 'gw1', keyType: 'API_KEY' } });
    const result = await authorize({ Authorization: `Bearer ${created.apiKey}` });
    expect(result.usageIdentifierKey).toBe('usage-value-1-0123456789abcdef');
  });

  it('revoke disables the API Gateway key too', async () => {
    const created = await createKey('metered-revoked', usageEnv);
    calls.length = 0;
    expect((await keys(['revoke', created.keyId], usageEnv)).code).toBe(0);
    expect(calls).toEqual([
      { method: 'PATCH', path: expect.stringMatching(/^\/apikeys\/gw\d+$/), body: { patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] } },
    ]);
  });

  it('a key made without the plan is flagged at creation', async () => {
    const result = await keys(['create', '--name', 'unmetered']);
    expect(result.out).toContain('not registered with a usage plan');
  });
});
