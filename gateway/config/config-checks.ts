/**
 * Small validation combinators for the config schema. Each check reports every problem it finds
 * (never stops at the first) and returns the cleaned value, or `undefined` when the value is
 * unusable, in which case the key is left out of the validated config. Hand-written instead of a
 * schema library to keep the gateway's cold start small.
 */
import type { ConfigIssue } from './config-types.js';
import { joinConfigPath } from './config-path.js';
import { isPlainObject } from './json-value.js';

export type Check<T> = (value: unknown, path: string, issues: ConfigIssue[]) => T | undefined;

type Shape = Record<string, Check<unknown>>;
type ShapeOutput<S extends Shape> = { [K in keyof S]?: S[K] extends Check<infer T> ? T : never };

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(issues: ConfigIssue[], path: string, message: string): undefined {
  issues.push({ path, message });
  return undefined;
}

export interface StringCheckOptions {
  nonEmpty?: boolean;
  pattern?: RegExp;
  /** Says what is allowed when `pattern` does not match. */
  patternHint?: string;
  refine?: (value: string) => string | undefined;
}

export function str(options: StringCheckOptions = {}): Check<string> {
  return (value, path, issues) => {
    if (typeof value !== 'string')
      return fail(issues, path, `must be a string (got ${describe(value)})`);
    if (options.nonEmpty && value.trim() === '')
      return fail(issues, path, 'must be a non-empty string');
    if (options.pattern && !options.pattern.test(value)) {
      return fail(issues, path, options.patternHint ?? `must match ${String(options.pattern)}`);
    }
    const problem = options.refine?.(value);
    if (problem) return fail(issues, path, problem);
    return value;
  };
}

export function bool(): Check<boolean> {
  return (value, path, issues) =>
    typeof value === 'boolean'
      ? value
      : fail(issues, path, `must be true or false (got ${describe(value)})`);
}

export interface NumberCheckOptions {
  integer?: boolean;
  min?: number;
  max?: number;
}

export function num(options: NumberCheckOptions = {}): Check<number> {
  const { integer = false, min, max } = options;
  const kind = integer ? 'an integer' : 'a number';
  const range =
    min !== undefined && max !== undefined
      ? ` between ${min} and ${max}`
      : min !== undefined
        ? ` ≥ ${min}`
        : max !== undefined
          ? ` ≤ ${max}`
          : '';
  return (value, path, issues) => {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      (min === undefined || value >= min) &&
      (max === undefined || value <= max);
    return ok ? value : fail(issues, path, `must be ${kind}${range} (got ${describe(value)})`);
  };
}

export function oneOf<const T extends string>(
  allowed: readonly T[],
  hint?: (value: unknown) => string | undefined,
): Check<T> {
  const list = allowed.map((v) => `"${v}"`).join(', ');
  return (value, path, issues) => {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
      return value as T;
    const extra = hint?.(value);
    return fail(
      issues,
      path,
      `must be one of ${list} (got ${describe(value)})${extra ? `; ${extra}` : ''}`,
    );
  };
}

export function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (value, path, issues) => {
    if (!Array.isArray(value))
      return fail(issues, path, `must be an array (got ${describe(value)})`);
    const out: T[] = [];
    value.forEach((entry, i) => {
      const checked = item(entry, joinConfigPath(path, i), issues);
      if (checked !== undefined) out.push(checked);
    });
    return out;
  };
}

/** Any JSON object; contents are not inspected. */
export function looseObject(): Check<Record<string, unknown>> {
  return (value, path, issues) =>
    isPlainObject(value) ? value : fail(issues, path, `must be an object (got ${describe(value)})`);
}

/** Any JSON array; contents are not inspected. */
export function looseArray(): Check<unknown[]> {
  return (value, path, issues) =>
    Array.isArray(value) ? value : fail(issues, path, `must be an array (got ${describe(value)})`);
}

/**
 * A union told apart by shape (string vs object, ...): `pick` chooses the branch so that branch's
 * detailed issues are reported; `message` is used when no branch fits.
 */
export function byShape<T>(
  pick: (value: unknown) => Check<T> | undefined,
  message: string,
): Check<T> {
  return (value, path, issues) => {
    const chosen = pick(value);
    return chosen
      ? chosen(value, path, issues)
      : fail(issues, path, `${message} (got ${describe(value)})`);
  };
}

function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replace(/[-_]/g, '');
  return allowed.find((k) => k.toLowerCase().replace(/[-_]/g, '') === lower);
}

export interface ObjectCheckOptions<S extends Shape> {
  required?: readonly (keyof S & string)[];
  /** Cross-field rules that run after the fields. */
  refine?: (
    out: ShapeOutput<S>,
    raw: Record<string, unknown>,
    path: string,
    issues: ConfigIssue[],
  ) => void;
}

/** A strict object: unknown keys are reported with the list of allowed keys. */
export function obj<S extends Shape>(
  shape: S,
  options: ObjectCheckOptions<S> = {},
): Check<ShapeOutput<S>> {
  const allowed = Object.keys(shape);
  return (value, path, issues) => {
    if (!isPlainObject(value))
      return fail(issues, path, `must be an object (got ${describe(value)})`);
    const out: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(value)) {
      const childPath = joinConfigPath(path, key);
      const check = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (!check) {
        const guess = suggestKey(key, allowed);
        issues.push({
          path: childPath,
          message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; allowed keys: ${allowed.join(', ')}`,
        });
        continue;
      }
      // Explicit undefined never comes from JSON5; treat it as absent.
      if (raw === undefined) continue;
      const checked = check(raw, childPath, issues);
      if (checked !== undefined) out[key] = checked;
    }
    for (const key of options.required ?? []) {
      if (!Object.hasOwn(value, key))
        issues.push({ path: joinConfigPath(path, key), message: 'is required' });
    }
    const typed = out as ShapeOutput<S>;
    options.refine?.(typed, value, path, issues);
    return typed;
  };
}
