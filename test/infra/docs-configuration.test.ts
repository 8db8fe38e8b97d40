import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.js';
import { codeRows, readDoc, section } from '../helpers/markdown.js';
import { resources, synth } from './synth.js';

const SMTP = { transport: 'smtp', smtpSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:posthaste/smtp-AbCdEf' };

const configuration = readDoc('docs/configuration.md');
const documented = (heading: string) => new Set(codeRows(section(configuration, heading)).map(([name]) => name));

/** Every environment variable any Lambda function of either stack gets, with the SES and with the SMTP transport. */
function synthesizedVariables(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const context of [{}, SMTP]) {
    const s = synth(context);
    for (const template of [s.data, s.service])
      for (const [id, fn] of resources(template, 'AWS::Lambda::Function'))
        for (const name of Object.keys(fn.Properties?.Environment?.Variables ?? {})) found.set(name, (found.get(name) ?? new Set()).add(id));
  }
  return found;
}

describe('docs/configuration.md', () => {
  let variables: Map<string, Set<string>>;
  beforeAll(() => {
    variables = synthesizedVariables();
  });

  it('the synthesized functions have environments to check', () => {
    expect(variables.has('MESSAGES_TABLE')).toBe(true);
    expect(variables.has('SMTP_SECRET_ARN')).toBe(true);
  });

  it('has a row for every environment variable of the synthesized stacks', () => {
    const rows = documented('## Environment variables');
    const missing = [...variables].filter(([name]) => !rows.has(name)).map(([name, functions]) => `${name} (${[...functions].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('has a row for every CDK context key the stacks read, and none they do not', () => {
    const asked = new Set<string>();
    readConfig((key) => {
      asked.add(key);
      return key === 'domain' ? 'example.com' : undefined;
    });
    expect([...documented('## CDK context keys')].sort()).toEqual([...asked].sort());
  });
});
