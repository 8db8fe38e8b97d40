import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, REPO, tsFiles } from '../helpers/imports.js';

/**
 * functions/core is the domain: it talks to the world only through its ports. This reads
 * the import statements (static, re-exports, `import()` and `require`) of every core file
 * and fails on an SDK, a transport library, Lambda or HTTP types, or any file outside core.
 */
const CORE = join(REPO, 'functions/core');

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /^@aws-sdk\//, why: 'an AWS SDK client belongs in an adapter' },
  { pattern: /^@smithy\//, why: 'the SDK runtime belongs in an adapter' },
  { pattern: /^@aws-crypto\//, why: 'request signing belongs in an adapter' },
  { pattern: /^nodemailer(\/|$)/, why: 'SMTP belongs in the SMTP adapter' },
  { pattern: /^aws-lambda$|^@types\/aws-lambda$/, why: 'Lambda event types belong in functions/<fn>/' },
  { pattern: /^@middy\//, why: 'middlewares belong in the handlers' },
  { pattern: /^@aws-lambda-powertools\//, why: 'Powertools belongs in the observability adapter' },
  { pattern: /^(node:)?(http|https|http2|net|tls|dgram)$/, why: 'network and HTTP belong in adapters or functions/api' },
];

/** Why `specifier`, imported by `file`, breaks the rule; undefined when it is fine. */
function violation(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    const inside = relative(CORE, target);
    return inside.startsWith('..') ? `reaches outside functions/core (${relative(REPO, target)})` : undefined;
  }
  return FORBIDDEN.find((rule) => rule.pattern.test(specifier))?.why;
}

describe('functions/core imports', () => {
  const files = tsFiles(CORE);

  it('finds the core files and their imports', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(importsOf("import a from 'x';\nexport * from './y.js';\nconst z = await import('node:http');\nrequire('nodemailer');")).toEqual([
      'x',
      './y.js',
      'node:http',
      'nodemailer',
    ]);
    expect(violation(join(CORE, 'a.ts'), '../adapters/sqs-email-queue.js')).toMatch(/outside functions\/core/);
    expect(violation(join(CORE, 'a.ts'), '@aws-sdk/client-sqs')).toBeDefined();
    expect(violation(join(CORE, 'a.ts'), './ports.js')).toBeUndefined();
  });

  it.each(files.map((file) => [relative(CORE, file), file] as const))('%s imports no SDK, transport, Lambda, HTTP or outer layer', (_name, file) => {
    const broken = importsOf(readFileSync(file, 'utf8'))
      .map((specifier) => ({ specifier, why: violation(file, specifier) }))
      .filter((v) => v.why !== undefined);
    expect(broken).toEqual([]);
  });
});
