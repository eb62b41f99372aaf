/**
 * Dotted config paths as users type them (`openclaw config set gateway.auth.mode token`) and as
 * validation issues report them. Both `agents.list[0].id` and `agents.list.0.id` are accepted;
 * keys that contain dots (model refs like `openai/gpt-4.1`) are written `models["openai/gpt-4.1"]`.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import { isPlainObject } from './json-value.js';

/** A number segment came from `[n]`; a string segment may still index an array if it is all digits. */
export type ConfigPathSegment = string | number;

const PLAIN_KEY = /^[^.[\]"'\s]+$/;

/** Append one key or index to a formatted path. */
export function joinConfigPath(base: string, segment: ConfigPathSegment): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (PLAIN_KEY.test(segment)) return base === '' ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}

export function formatConfigPath(segments: readonly ConfigPathSegment[]): string {
  return segments.reduce<string>((acc, seg) => joinConfigPath(acc, seg), '');
}

function invalidPath(input: string, why: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `Invalid config path "${input}": ${why}. Use dots between keys, e.g. gateway.auth.mode or agents.list[0].id.`,
  );
}

/** Parse `a.b[0].c`, `a.b.0.c` or `a["key.with.dots"]` into segments. */
export function parseConfigPath(input: string): ConfigPathSegment[] {
  const segments: ConfigPathSegment[] = [];
  let i = 0;
  let expectKey = true; // at the start or right after a dot
  while (i < input.length) {
    const ch = input[i];
    if (ch === '[') {
      const close = input.indexOf(']', i);
      if (close < 0) throw invalidPath(input, 'unclosed "["');
      const inner = input.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) {
        segments.push(Number(inner));
      } else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) {
        segments.push(JSON.parse(inner) as string);
      } else if (/^'[^']*'$/.test(inner)) {
        segments.push(inner.slice(1, -1));
      } else {
        throw invalidPath(
          input,
          `"[${inner}]" must be an index like [0] or a quoted key like ["a.b"]`,
        );
      }
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (ch === '.') {
      if (expectKey) throw invalidPath(input, 'empty key');
      i += 1;
      expectKey = true;
      continue;
    }
    if (!expectKey) throw invalidPath(input, `missing "." before "${input.slice(i)}"`);
    let end = i;
    while (end < input.length && input[end] !== '.' && input[end] !== '[') end += 1;
    const key = input.slice(i, end).trim();
    if (key === '') throw invalidPath(input, 'empty key');
    segments.push(key);
    i = end;
    expectKey = false;
  }
  if (segments.length === 0) throw invalidPath(input, 'it is empty');
  if (expectKey) throw invalidPath(input, 'it ends with "."');
  for (const seg of segments) {
    if (seg === '__proto__' || seg === 'constructor' || seg === 'prototype') {
      throw invalidPath(input, `"${seg}" is not allowed as a key`);
    }
  }
  return segments;
}

function arrayIndex(container: unknown[], seg: ConfigPathSegment): number | undefined {
  if (typeof seg === 'number') return seg;
  return /^\d+$/.test(seg) ? Number(seg) : undefined;
}

/** Read a value; `undefined` when any step is missing. */
export function getAtPath(root: unknown, segments: readonly ConfigPathSegment[]): unknown {
  let current: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(current)) {
      const index = arrayIndex(current, seg);
      if (index === undefined) return undefined;
      current = current[index];
    } else if (isPlainObject(current)) {
      const key = String(seg);
      current = Object.hasOwn(current, key) ? current[key] : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Set a value in place, creating missing containers: an array for a following `[n]`, an object
 * otherwise. Setting past the end of an array is refused except for appending at `length`.
 */
export function setAtPath(
  root: Record<string, unknown>,
  segments: readonly ConfigPathSegment[],
  value: unknown,
): void {
  let current: unknown = root;
  for (let i = 0; i < segments.length; i += 1) {
    const seg = segments[i] as ConfigPathSegment;
    const last = i === segments.length - 1;
    const next = segments[i + 1];
    const make = (): unknown => (typeof next === 'number' ? [] : {});
    const where = formatConfigPath(segments.slice(0, i + 1));
    if (Array.isArray(current)) {
      const index = arrayIndex(current, seg);
      if (index === undefined || index > current.length) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `Cannot set ${where}: the array has ${current.length} item(s); use an index from 0 to ${current.length}.`,
        );
      }
      if (last) current[index] = value;
      else if (
        current[index] === undefined ||
        current[index] === null ||
        typeof current[index] !== 'object'
      ) {
        current[index] = make();
      }
      current = current[index];
    } else if (isPlainObject(current)) {
      const key = String(seg);
      const existing = Object.hasOwn(current, key) ? current[key] : undefined;
      if (last) current[key] = value;
      else if (existing === undefined || existing === null || typeof existing !== 'object')
        current[key] = make();
      current = current[key];
    } else {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Cannot set ${where}: its parent is not an object or array.`,
      );
    }
  }
}

/** Remove a key or array element in place. Returns false when the path did not exist. */
export function unsetAtPath(
  root: Record<string, unknown>,
  segments: readonly ConfigPathSegment[],
): boolean {
  const parent = getAtPath(root, segments.slice(0, -1));
  const seg = segments[segments.length - 1] as ConfigPathSegment;
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, seg);
    if (index === undefined || index >= parent.length) return false;
    parent.splice(index, 1);
    return true;
  }
  if (isPlainObject(parent)) {
    const key = String(seg);
    if (!Object.hasOwn(parent, key)) return false;
    delete parent[key];
    return true;
  }
  return false;
}
