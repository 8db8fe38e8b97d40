import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synth } from './synth.js';

let s: Synthesized;
let report: ReturnType<AwsSolutionsChecks['validateScope']>;
beforeAll(() => {
  s = synth();
  report = new AwsSolutionsChecks(s.app).validateScope(s.app);
});

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
    );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const findings = report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });

  it('has acknowledgements only with a written reason', () => {
    const acks = acknowledgements(s.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThanOrEqual(40);
  });

  it('acknowledges no finding on a whole stack or the app', () => {
    const broad = acknowledgements(s.app).filter((a) => !a.path.includes('/'));
    expect(broad).toEqual([]);
  });

  it('is registered on the app, so `cdk synth` stops on a new finding', async () => {
    const source = await import('node:fs').then((fs) => fs.readFileSync(new URL('../../infra/app.ts', import.meta.url), 'utf8'));
    expect(source).toMatch(/Validations\.of\(app\)\.addPlugins\(new AwsSolutionsChecks\(app\)\)/);
  });
});
