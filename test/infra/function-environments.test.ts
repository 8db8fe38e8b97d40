/**
 * Each Lambda function's environment as the synthesized template gives it, fed into that
 * function's composition (what its handler runs at cold start): a variable the composition
 * requires but the stack does not set fails here, not in AWS. And every variable the stack
 * sets is one the function's contract declares.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApi } from '../../functions/compose/api.js';
import { composeAuthorizer } from '../../functions/compose/authorizer.js';
import { composeDeliver } from '../../functions/compose/deliver.js';
import { composeDispatcher } from '../../functions/compose/dispatcher.js';
import { ConfigError, type Env } from '../../functions/compose/env.js';
import { type Contract, type EnvironmentValues, FUNCTION_ENVIRONMENTS, type FunctionName } from '../../functions/compose/environment.js';
import { composeEvents } from '../../functions/compose/events.js';
import type { Telemetry } from '../../functions/compose/observability.js';
import { composeScheduler } from '../../functions/compose/scheduler.js';
import { silentLog } from '../../functions/core/log.js';
import { noMetrics } from '../../functions/core/metrics.js';
import { type SecretsManagerStub, startSecretsManagerStub } from '../helpers/secrets-manager-stub.js';
import { resources, synth } from './synth.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:posthaste/smtp-AbCdEf';
const DEPLOYMENTS = { ses: {}, smtp: { transport: 'smtp', smtpSecretArn: SECRET_ARN } };

const LOGICAL_IDS: Record<FunctionName, string> = {
  api: 'ApiFunction',
  deliver: 'DeliverFunction',
  events: 'EventsFunction',
  scheduler: 'SchedulerFunction',
  authorizer: 'AuthorizerFunction',
  dispatcher: 'DispatcherFunction',
};

const telemetry: Telemetry = { log: silentLog, metrics: noMetrics };
const COMPOSE: Record<FunctionName, (env: Env) => unknown> = {
  api: (env) => composeApi(env, telemetry),
  deliver: (env) => composeDeliver(env, telemetry),
  events: (env) => composeEvents(env, telemetry),
  scheduler: (env) => composeScheduler(env, telemetry),
  authorizer: (env) => composeAuthorizer(env, telemetry),
  dispatcher: (env) => composeDispatcher(env, telemetry),
};

/** A CloudFormation value as text: tokens (Ref, Fn::GetAtt, Fn::Join…) become a placeholder naming the variable. */
const text = (name: string, value: unknown) => (typeof value === 'string' ? value : `placeholder-${name.toLowerCase()}`);

function synthesizedEnvironments(context: Record<string, unknown>): Record<FunctionName, Record<string, string>> {
  const functions = resources(synth(context).service, 'AWS::Lambda::Function');
  const environments = {} as Record<FunctionName, Record<string, string>>;
  for (const [name, prefix] of Object.entries(LOGICAL_IDS) as [FunctionName, string][]) {
    const found = functions.filter(([id]) => id.startsWith(prefix));
    expect(found, prefix).toHaveLength(1);
    const variables = (found[0]![1].Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    environments[name] = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, text(key, value)]));
  }
  return environments;
}

let secrets: SecretsManagerStub;
let synthesized: Record<keyof typeof DEPLOYMENTS, Record<FunctionName, Record<string, string>>>;
beforeAll(async () => {
  secrets = await startSecretsManagerStub();
  // The relay is never contacted: building the transport opens no connection.
  secrets.secrets.set(SECRET_ARN, JSON.stringify({ url: 'smtps://user:pass@127.0.0.1:9' }));
  synthesized = { ses: synthesizedEnvironments(DEPLOYMENTS.ses), smtp: synthesizedEnvironments(DEPLOYMENTS.smtp) };
}, 60_000);
afterAll(() => secrets.stop());

/** What Lambda adds itself, and endpoints no client may reach (building a client calls nothing). */
function runtimeAdditions(): EnvironmentValues {
  const unreachable = 'http://127.0.0.1:9';
  return {
    AWS_REGION: 'eu-west-1',
    POSTHASTE_DYNAMODB_ENDPOINT: unreachable,
    POSTHASTE_SQS_ENDPOINT: unreachable,
    POSTHASTE_S3_ENDPOINT: unreachable,
    POSTHASTE_SES_ENDPOINT: unreachable,
    POSTHASTE_SECRETSMANAGER_ENDPOINT: secrets.url,
  };
}

const cases = (Object.keys(DEPLOYMENTS) as (keyof typeof DEPLOYMENTS)[]).flatMap((deployment) =>
  (Object.keys(LOGICAL_IDS) as FunctionName[]).map((name) => [deployment, name] as const),
);

describe('synthesized function environments', () => {
  it.each(cases)('%s deployment: the %s function composes from its synthesized environment', async (deployment, name) => {
    const env = { ...synthesized[deployment][name], ...runtimeAdditions() };
    await expect(Promise.resolve().then(() => COMPOSE[name](env))).resolves.toBeTypeOf('function');
  });

  it.each(cases)('%s deployment: the %s function gets only variables its contract declares', (deployment, name) => {
    const declared = new Set(Object.keys(FUNCTION_ENVIRONMENTS[name]));
    expect(Object.keys(synthesized[deployment][name]).filter((variable) => !declared.has(variable))).toEqual([]);
  });

  it.each(cases)('%s deployment: the %s function does not compose without any one of its required variables, and says which', async (deployment, name) => {
    const required = Object.entries(FUNCTION_ENVIRONMENTS[name] as Contract)
      .filter(([, variable]) => (variable as { required?: boolean }).required)
      .map(([variable]) => variable);
    expect(required.length).toBeGreaterThan(0);
    for (const variable of required) {
      const env: Env = { ...synthesized[deployment][name], ...runtimeAdditions() };
      delete env[variable];
      const composed = Promise.resolve().then(() => COMPOSE[name](env));
      await expect(composed, variable).rejects.toThrow(ConfigError);
      await expect(composed, variable).rejects.toThrow(variable);
    }
  });

  it('the SMTP deployment composed its transport from the secret', () => {
    expect(secrets.requests()).toBe(1);
  });
});
