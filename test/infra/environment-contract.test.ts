import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi } from '../../functions/compose/api.js';
import { composeAuthorizer } from '../../functions/compose/authorizer.js';
import { composeDeliver } from '../../functions/compose/deliver.js';
import { AWS_VARIABLES, CONTRACTS, ConfigError, type Env, type LambdaFunction, VARIABLES, type VariableName } from '../../functions/compose/environment.js';
import { composeEvents } from '../../functions/compose/events.js';
import type { Runtime } from '../../functions/compose/runtime.js';
import { composeScheduler } from '../../functions/compose/scheduler.js';
import { silentLog } from '../../functions/core/log.js';
import { noMetrics } from '../../functions/core/metrics.js';
import { resource, synth } from './synth.js';

/**
 * Each function's environment as the stack synthesizes it, fed into that function's
 * composition exactly as its handler.ts does at cold start: a variable the composition
 * requires and the stack does not set fails here, not in AWS.
 */
const COMPOSE: Record<LambdaFunction, (env: Env, runtime: Runtime) => unknown> = {
  api: composeApi,
  deliver: composeDeliver,
  events: composeEvents,
  scheduler: composeScheduler,
  authorizer: composeAuthorizer,
};

const LOGICAL_ID: Record<LambdaFunction, string> = {
  api: 'ApiFunction',
  deliver: 'DeliverFunction',
  events: 'EventsFunction',
  scheduler: 'SchedulerFunction',
  authorizer: 'AuthorizerFunction',
};

const FUNCTIONS = Object.keys(COMPOSE) as LambdaFunction[];
const runtime: Runtime = { log: silentLog, metrics: noMetrics };

/** The variables as synthesized; a CloudFormation token (Ref, GetAtt, Join, ImportValue) becomes a placeholder string. */
function synthesizedEnvironment(template: Template, fn: LambdaFunction): Record<string, string> {
  const [, lambda] = resource(template, 'AWS::Lambda::Function', LOGICAL_ID[fn]);
  const variables = (lambda.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : `placeholder-${name.toLowerCase()}`]));
}

/**
 * Secrets Manager has no npm stand-in: GetSecretValue answered on loopback, so an SMTP
 * deployment's cold start (which reads the relay settings from the secret) runs here.
 */
let secrets: Server;
let secretReads = 0;
/** Every other client points here: a closed port, so a call made while composing fails instead of reaching AWS. */
const UNREACHABLE = 'http://127.0.0.1:9';
let endpoints: Env;
beforeAll(async () => {
  secrets = createServer((req, res) => {
    secretReads++;
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN: 'arn', Name: 'posthaste-smtp', SecretString: JSON.stringify({ url: 'smtp://127.0.0.1:9' }) }));
    });
  });
  await new Promise<void>((resolve) => secrets.listen(0, '127.0.0.1', () => resolve()));
  endpoints = {
    ...Object.fromEntries(AWS_VARIABLES.filter((name) => name !== 'AWS_REGION').map((name) => [name, UNREACHABLE])),
    POSTHASTE_SECRETSMANAGER_ENDPOINT: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
  };
});
afterAll(() => new Promise<void>((resolve) => secrets.close(() => resolve())));

/** What Lambda sets beside the function's own environment, and the local endpoint overrides. */
const coldStartEnv = (variables: Record<string, string>): Env => ({ AWS_REGION: 'us-east-1', ...variables, ...endpoints });

const required = (fn: LambdaFunction): VariableName[] =>
  CONTRACTS[fn].filter((name) => VARIABLES[name as VariableName].required && VARIABLES[name as VariableName].scope === 'service') as VariableName[];

describe.each([
  ['the default (SES) deployment', {}],
  ['an SMTP deployment', { transport: 'smtp', smtpSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthaste-smtp-AbCdEf' }],
])('the environment contract in %s', (_name, context) => {
  const { service } = synth(context);

  it.each(FUNCTIONS)('%s: every synthesized variable is one its contract declares, none of them local-only', (fn) => {
    const names = Object.keys(synthesizedEnvironment(service, fn));
    const contract: readonly string[] = CONTRACTS[fn];
    expect(names.filter((name) => !contract.includes(name))).toEqual([]);
    expect(names.filter((name) => ['local', 'runtime'].includes(VARIABLES[name as VariableName].scope))).toEqual([]);
  });

  it.each(FUNCTIONS)('%s: its composition builds from the synthesized environment', async (fn) => {
    const handler = await COMPOSE[fn](coldStartEnv(synthesizedEnvironment(service, fn)), runtime);
    expect(typeof handler).toBe('function');
    if (fn === 'deliver' && 'smtpSecretArn' in context) expect(secretReads).toBeGreaterThan(0);
  });

  it.each(FUNCTIONS)('%s: without any one of its required variables the composition fails, naming it', async (fn) => {
    const variables = synthesizedEnvironment(service, fn);
    expect(required(fn).length).toBeGreaterThan(0);
    for (const name of required(fn)) {
      const { [name]: _removed, ...rest } = variables;
      const composed = (async () => COMPOSE[fn](coldStartEnv(rest), runtime))();
      await expect(composed, name).rejects.toThrow(ConfigError);
      await expect(composed, name).rejects.toThrow(name);
    }
  });
});
