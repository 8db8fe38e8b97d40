/** Fail-fast configuration reading: a missing setting stops the cold start, not a request. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/**
 * One environment variable: what it means, what its absence means, and how its text
 * becomes a value. `fallback` is the default as the docs state it; none on an optional
 * variable means "not set" has a meaning of its own (said in the description).
 */
export interface Variable<T> {
  description: string;
  required: boolean;
  fallback?: string;
  /** Only ever set outside a deployed stack (npm start, the tools, tests): the stack must not set it. */
  localOnly?: boolean;
  /** Read by Node.js or Powertools, not by our code: the stack sets it, nothing here parses it. */
  runtime?: boolean;
  parse(raw: string | undefined, name: string): T;
}

/** Flags stay in the type (literal `true`), so the stack's environment type can require or refuse a variable. */
export const localOnly = <V extends Variable<unknown>>(variable: V): V & { localOnly: true } => ({ ...variable, localOnly: true });
export const runtime = <V extends Variable<unknown>>(variable: V): V & { runtime: true } => ({ ...variable, runtime: true });

const isUnset = (raw: string | undefined): raw is undefined | '' => raw === undefined || raw === '';

export function requiredText(description: string): Variable<string> & { required: true } {
  return {
    description,
    required: true,
    parse(raw, name) {
      if (isUnset(raw)) throw new ConfigError(`environment variable ${name} is required`);
      return raw;
    },
  };
}

export function optionalText(description: string, fallback?: string): Variable<string | undefined> {
  return { description, required: false, ...(fallback !== undefined ? { fallback } : {}), parse: (raw) => (isUnset(raw) ? undefined : raw) };
}

/** Text with a default the code uses when unset. */
export function text(description: string, fallback: string): Variable<string> {
  return { description, required: false, fallback, parse: (raw) => (isUnset(raw) ? fallback : raw) };
}

function parseInteger(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not ${raw}`);
  return value;
}

export function integer(description: string, fallback: number, min: number, max: number): Variable<number> {
  return { description, required: false, fallback: String(fallback), parse: (raw, name) => (isUnset(raw) ? fallback : parseInteger(raw, name, min, max)) };
}

export function positiveNumber(description: string, fallback: string): Variable<number | undefined> {
  return {
    description,
    required: false,
    fallback,
    parse(raw, name) {
      if (isUnset(raw)) return undefined;
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, not ${raw}`);
      return value;
    },
  };
}

export function oneOf<T extends string>(description: string, choices: readonly T[], fallback: T): Variable<T> {
  return {
    description,
    required: false,
    fallback,
    parse(raw, name) {
      const value = raw ?? fallback;
      if (!(choices as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, not ${value}`);
      return value as T;
    },
  };
}

/** Comma-separated values, trimmed, empty entries dropped; unset is an empty list. */
export function list(description: string, fallback: string): Variable<string[]> {
  return {
    description,
    required: false,
    fallback,
    parse: (raw) =>
      (raw ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
  };
}

/** A TCP port; 0 asks the system for a free one. */
export function port(description: string, fallback: number | undefined, fallbackText = String(fallback)): Variable<number | undefined> {
  return {
    description,
    required: false,
    fallback: fallbackText,
    parse(raw, name) {
      if (isUnset(raw)) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${name} must be a port number, not ${raw}`);
      return value;
    },
  };
}

/** On only when set to `1`. */
export function flag(description: string): Variable<boolean> {
  return { description, required: false, fallback: 'off', parse: (raw) => raw === '1' };
}
