import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { LOCAL_TABLES } from '../../functions/adapters/tables.js';
import type { FunctionName } from '../../functions/compose/environment.js';
import { PROJECT_ROOT } from '../../infra/constructs/posthaste-function.js';
import { buildPosthasteApp, type PosthasteApp } from '../../infra/posthaste-app.js';

export interface Synthesized extends PosthasteApp {
  data: Template;
  service: Template;
}

/** The context `cdk synth` sees (cdk.json, feature flags included), plus overrides; bundling skipped. */
export function synth(context: Record<string, unknown> = {}): Synthesized {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  // A deployment names who may send (the synth stops otherwise); tests send as example.com unless they say.
  const sender = 'domain' in context || 'allowedSenderDomains' in context ? {} : { allowedSenderDomains: ['example.com'] };
  const built = buildPosthasteApp({ context: { ...cdkJson.context, ...sender, ...context, 'aws:cdk:bundling-stacks': [] } });
  return { ...built, data: Template.fromStack(built.dataStack), service: Template.fromStack(built.serviceStack) };
}

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

export function resources(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** The one resource of a type whose logical id starts with `prefix`. */
export function resource(template: Template, type: string, prefix: string): [string, Resource] {
  const found = resources(template, type).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  return found[0]!;
}

/** Each function's logical id prefix in the service stack. */
export const LOGICAL_IDS: Record<FunctionName, string> = {
  api: 'ApiFunction',
  deliver: 'DeliverFunction',
  events: 'EventsFunction',
  scheduler: 'SchedulerFunction',
  authorizer: 'AuthorizerFunction',
  dispatcher: 'DispatcherFunction',
};

/** A CloudFormation value as text: tokens (Ref, Fn::GetAtt, Fn::Join…) become a placeholder naming the variable. */
const text = (name: string, value: unknown) => (typeof value === 'string' ? value : `placeholder-${name.toLowerCase()}`);

/** Each function's environment as the synthesized template sets it (bench/ imports bundles with it too). */
export function synthesizedEnvironments(context: Record<string, unknown>): Record<FunctionName, Record<string, string>> {
  const { service } = synth(context);
  const environments = {} as Record<FunctionName, Record<string, string>>;
  for (const [name, prefix] of Object.entries(LOGICAL_IDS) as [FunctionName, string][]) {
    const variables = (resource(service, 'AWS::Lambda::Function', prefix)[1].Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    environments[name] = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, text(key, value)]));
  }
  return environments;
}

/** Every table, longest name first so `webhookDeliveries` is not taken for `webhooks`. */
const TABLES = Object.keys(LOCAL_TABLES).sort((a, b) => b.length - a.length);

/** A readable name for a policy resource: `table:messages`, `index:messages/byProviderMessageId`, `queue:SendQueue`, `*`, … */
export function label(resourceJson: unknown): string {
  const s = JSON.stringify(resourceJson);
  if (s === '"*"') return '*';
  const table = TABLES.find((t) => s.includes(`Tables${t}`));
  if (table) {
    const index = /\/index\/(\w+)/.exec(s);
    return index ? `index:${table}/${index[1]}` : `table:${table}`;
  }
  for (const queue of ['SendQueue', 'SendDlq', 'EventsDlq', 'WebhookQueue', 'WebhookDlq']) if (s.includes(queue)) return `queue:${queue}`;
  if (s.includes(':s3:::'))
    return s.endsWith('/content/*"]]}') ? 'objects:payload-bucket/content' : s.endsWith('/*"]]}') ? 'objects:payload-bucket' : 'bucket:payload-bucket';
  if (s.includes(':configuration-set/')) return 'ses:configuration-set';
  if (s.includes(':identity/')) return `ses:identity/${/:identity\/([^"]+)"/.exec(s)?.[1] ?? '?'}`;
  if (s.includes(':secretsmanager:')) return 'secret:smtp';
  if (s.includes('FunctionLogs')) return 'logs:own';
  return s;
}

/** Every action a function's role may perform, keyed by resource label: `{ 'table:messages': ['dynamodb:GetItem', …] }`. */
export function grantsOf(template: Template, functionPrefix: string): Record<string, string[]> {
  const [, fn] = resource(template, 'AWS::Lambda::Function', functionPrefix);
  const roleId = fn.Properties!.Role['Fn::GetAtt'][0] as string;
  const grants: Record<string, Set<string>> = {};
  const add = (statement: { Effect: string; Action: string | string[]; Resource: unknown }) => {
    if (statement.Effect !== 'Allow') return;
    const targets = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const target of targets) {
      const granted = grants[label(target)] ?? new Set<string>();
      grants[label(target)] = granted;
      for (const action of [statement.Action].flat()) granted.add(action);
    }
  };
  for (const [, policy] of resources(template, 'AWS::IAM::Policy')) {
    if (!(policy.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === roleId)) continue;
    for (const statement of policy.Properties!.PolicyDocument.Statement) add(statement);
  }
  const [, role] = resource(template, 'AWS::IAM::Role', roleId);
  for (const inline of role.Properties!.Policies ?? []) for (const statement of inline.PolicyDocument.Statement) add(statement);
  if (role.Properties!.ManagedPolicyArns?.length)
    grants['managed-policies'] = new Set(role.Properties!.ManagedPolicyArns.map((a: unknown) => JSON.stringify(a)));
  return Object.fromEntries(Object.entries(grants).map(([k, v]) => [k, [...v].sort()]));
}
