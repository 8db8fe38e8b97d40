import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { awsSettingsFromEnv } from '../functions/compose/clients.js';
import { ConfigError, type Env } from '../functions/compose/env.js';
import { LOCAL_ENVIRONMENTS, readEnvironment } from '../functions/compose/environment.js';
import { keyAdminDeps } from '../functions/compose/key-admin.js';
import { createApiKey, KeyAdminError, listApiKeys, revokeApiKey } from '../functions/core/api-key-admin.js';

export const KEYS_USAGE = `Usage: keys <command> [options]

Commands:
  create --name <name>     create a key; prints it once (only its hash is stored)
  list                     list keys (id, name, created, status)
  revoke <keyId | key>     revoke a key; cached authorizations end within the authorizer cache TTL

Options:
  --table <name>           the apiKeys table (default: $API_KEYS_TABLE; stack output ApiKeysTableName)
  --usage-plan <id>        the usage plan that throttles each key (default: $POSTHASTE_USAGE_PLAN_ID;
                           stack output UsagePlanId). Required for keys used against a deployed stack.
  --json                   machine-readable output

Environment: AWS_REGION and the usual AWS credentials; POSTHASTE_DYNAMODB_ENDPOINT for a local DynamoDB.`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

function parseKeyArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      table: { type: 'string' },
      'usage-plan': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The key-management command; returns the process exit code. */
export async function runKeys(argv: string[], env: Env, io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseKeyArgs>;
  try {
    parsed = parseKeyArgs(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(KEYS_USAGE);
    return values.help ? 0 : 2;
  }
  const settings = readEnvironment(LOCAL_ENVIRONMENTS.keys, env);
  const table = values.table ?? settings.API_KEYS_TABLE;
  if (!table) {
    io.err('the apiKeys table is required: --table <name> or API_KEYS_TABLE (stack output ApiKeysTableName)');
    return 2;
  }
  const usagePlanId = values['usage-plan'] ?? settings.POSTHASTE_USAGE_PLAN_ID;
  const deps = await keyAdminDeps({ table, ...(usagePlanId ? { usagePlanId } : {}) }, awsSettingsFromEnv(env));
  const print = (value: unknown, text: string) => io.out(values.json ? JSON.stringify(value) : text);

  try {
    switch (command) {
      case 'create': {
        if (!values.name) {
          io.err('create needs --name <name> (what the key is for, e.g. billing-service)');
          return 2;
        }
        const { apiKey, record } = await createApiKey(deps, values.name);
        print(
          { keyId: record.keyId, name: record.name, createdAt: record.createdAt, apiKey, usagePlan: Boolean(record.usageKeyId) },
          [
            `Created key ${record.keyId} (${record.name}).`,
            'Copy it now: it is shown only this once and only its hash is stored.',
            '',
            `  ${apiKey}`,
            '',
            'Send it as:  Authorization: Bearer <key>',
            ...(record.usageKeyId ? [] : ['Note: not registered with a usage plan (no --usage-plan); a deployed API refuses keys that are not.']),
          ].join('\n'),
        );
        return 0;
      }
      case 'list': {
        const keys = await listApiKeys(deps);
        const rows = keys.map((k) => [k.keyId, k.status, k.createdAt, k.revokedAt ?? '', k.name]);
        const widths = [16, 7, 24, 24];
        const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join('  ');
        print(
          keys,
          keys.length
            ? [line(['KEY ID', 'STATUS', 'CREATED', 'REVOKED', 'NAME']), ...rows.map(line)].join('\n')
            : 'No keys yet: create one with `keys create --name <name>`.',
        );
        return 0;
      }
      case 'revoke': {
        const target = rest[0];
        if (!target) {
          io.err('revoke needs a key id (see `keys list`)');
          return 2;
        }
        const summary = await revokeApiKey(deps, target);
        print(summary, `Revoked key ${summary.keyId} (${summary.name}) at ${summary.revokedAt}.`);
        return 0;
      }
      default:
        io.err(`unknown command ${command}\n\n${KEYS_USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof KeyAdminError || error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.exitCode = await runKeys(process.argv.slice(2), process.env, { out: (l) => console.log(l), err: (l) => console.error(l) });
}
