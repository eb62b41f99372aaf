/**
 * `${VAR}` substitution in config strings and SecretRef resolution. Only upper-case names are
 * substituted so that shell-like text in prompts (`${file}`) passes through untouched; `$${VAR}`
 * is the escape for a literal `${VAR}`. A missing variable is reported as a config issue at the
 * string's path instead of crashing the loader, so `openclaw doctor` can still show the file.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemErrorCode } from '../infra/errors.js';
import type { Env } from './paths.js';
import { joinConfigPath } from './config-path.js';
import type { ConfigIssue, SecretRef } from './config-types.js';
import { isPlainObject } from './json-value.js';

const VAR_PATTERN = /\$(\$?)\{([A-Z_][A-Z0-9_]*)\}/g;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

export interface EnvSubstitutionResult {
  value: unknown;
  issues: ConfigIssue[];
}

/**
 * An empty variable counts as missing: compose passes `OPENCLAW_GATEWAY_TOKEN=` when `.env` has no
 * value, and an empty secret must not quietly become the gateway token.
 */
function lookup(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function substituteString(text: string, env: Env, at: string, issues: ConfigIssue[]): string {
  if (!text.includes('${')) return text;
  return text.replace(VAR_PATTERN, (match, escape: string, name: string) => {
    if (escape) return match.slice(1); // `$${VAR}` → literal `${VAR}`
    const value = lookup(env, name);
    if (value !== undefined) return value;
    issues.push({
      path: at,
      message: `environment variable ${name} is not set (referenced as \${${name}}); set it, or write $\${${name}} for a literal`,
    });
    return match;
  });
}

function walk(value: unknown, env: Env, at: string, issues: ConfigIssue[]): unknown {
  if (typeof value === 'string') return substituteString(value, env, at, issues);
  if (Array.isArray(value))
    return value.map((item, i) => walk(item, env, joinConfigPath(at, i), issues));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value))
      out[key] = walk(child, env, joinConfigPath(at, key), issues);
    return out;
  }
  return value;
}

/** Returns a substituted copy; the input is not modified. */
export function substituteEnvVars(value: unknown, env: Env, basePath = ''): EnvSubstitutionResult {
  const issues: ConfigIssue[] = [];
  return { value: walk(value, env, basePath, issues), issues };
}

/**
 * Variables declared in the config's own `env` block (`env: { FOO: "x", vars: { BAR: "y" } }`).
 * They fill gaps only: the process environment always wins, as upstream does.
 */
export function configEnvVars(parsed: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(parsed) || !isPlainObject(parsed.env)) return out;
  const block = parsed.env;
  const take = (source: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(source)) {
      if (ENV_NAME.test(key) && typeof value === 'string') out[key] = value;
    }
  };
  if (isPlainObject(block.vars)) take(block.vars);
  take(block);
  return out;
}

/** Overlay config-declared variables under the process environment. */
export function effectiveEnv(parsed: unknown, env: Env): Env {
  const declared = configEnvVars(parsed);
  if (Object.keys(declared).length === 0) return env;
  const merged: Record<string, string | undefined> = { ...declared };
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value !== '') merged[key] = value;
  return merged;
}

export function isSecretRef(value: unknown): value is SecretRef {
  return (
    isPlainObject(value) &&
    (value.source === 'env' || value.source === 'file' || value.source === 'exec') &&
    typeof value.provider === 'string' &&
    typeof value.id === 'string'
  );
}

export interface SecretResolution {
  value: string | undefined;
  /** Why no value could be produced; absent when the input was simply unset. */
  issue?: ConfigIssue;
}

function expandHomeIn(file: string, env: Env): string {
  const home = env.OPENCLAW_HOME?.trim() || env.HOME?.trim() || os.homedir();
  if (file === '~') return home;
  if (file.startsWith('~/') || file.startsWith('~\\')) return path.join(home, file.slice(2));
  return file;
}

/**
 * Resolve a literal secret or a SecretRef to its value, explaining failures.
 * - `env`: the variable named by `id` (empty counts as unset);
 * - `file`: `id` is an absolute (or `~/`) path; the file's text, trimmed;
 * - `exec`: not supported by this gateway (running commands from config is a privilege we do
 *   not grant); reported as an issue.
 */
export function resolveSecretInputDetailed(value: unknown, env: Env, at = ''): SecretResolution {
  if (value === undefined || value === null) return { value: undefined };
  if (typeof value === 'string') return { value: value === '' ? undefined : value };
  if (!isSecretRef(value)) {
    return {
      value: undefined,
      issue: { path: at, message: 'must be a string or a SecretRef {source, provider, id}' },
    };
  }
  if (value.source === 'env') {
    const resolved = lookup(env, value.id);
    return resolved !== undefined
      ? { value: resolved }
      : {
          value: undefined,
          issue: {
            path: at,
            message: `environment variable ${value.id} (SecretRef source "env") is not set`,
          },
        };
  }
  if (value.source === 'file') {
    const file = expandHomeIn(value.id, env);
    if (!path.isAbsolute(file)) {
      return {
        value: undefined,
        issue: {
          path: at,
          message: `SecretRef file path "${value.id}" must be absolute or start with ~/`,
        },
      };
    }
    try {
      const text = readFileSync(file, 'utf8').trim();
      return text === ''
        ? { value: undefined, issue: { path: at, message: `SecretRef file ${file} is empty` } }
        : { value: text };
    } catch (err) {
      return {
        value: undefined,
        issue: {
          path: at,
          message: `cannot read SecretRef file ${file}: ${systemErrorCode(err) ?? 'error'}`,
        },
      };
    }
  }
  return {
    value: undefined,
    issue: {
      path: at,
      message:
        'SecretRef source "exec" is not supported by this gateway; use source "env" or "file" instead',
    },
  };
}

/** The secret's value, or undefined when unset or unresolvable (see resolveSecretInputDetailed for why). */
export function resolveSecretInput(value: unknown, env: Env): string | undefined {
  return resolveSecretInputDetailed(value, env).value;
}
