/**
 * The secret values this machine actually holds, gathered from the files that hold them: the
 * stack's `.env` (gateway token and any other secret-named variable), `openclaw.json` (gateway
 * token, channel bot tokens, API keys — every literal under a secret-looking key), `paired.json`
 * (device tokens) and the CLI's `device-auth.json`. Masking replaces these wherever they appear,
 * which catches a token even in a log line that names it nothing in particular.
 */
import { promises as fs } from 'node:fs';
import JSON5 from 'json5';
import { parseEnvText } from '../../../docker/stack/index.js';
import { isSecretName, MIN_KNOWN_SECRET_LENGTH } from './masking.js';

export interface KnownSecretSources {
  /** `.env` files: values of secret-named variables. */
  envFiles?: readonly string[];
  /** JSON or JSON5 files: string values under secret-named keys, at any depth. */
  jsonFiles?: readonly string[];
  /** Values known in memory (the app's own operator token, a token about to be written). */
  extra?: readonly string[];
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined; // missing or unreadable: nothing to collect from it
  }
}

/**
 * Strings whose own key is secret-named (or in a list directly under one). Inherited secrecy is
 * deliberately not used: under `auth` sit `mode: "password"` and SecretRef pointers
 * (`provider: "default"`), and treating those as secrets would mask ordinary words everywhere.
 */
function collectFromValue(value: unknown, secretKey: boolean, out: Set<string>, depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') {
    // `${VAR}` references point at a secret, they are not one.
    if (secretKey && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value)
      collectFromValue(item, secretKey && typeof item === 'string', out, depth + 1);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value))
      collectFromValue(child, isSecretName(key), out, depth + 1);
  }
}

/** Secret values from the given files (missing files are skipped), longest first. */
export async function collectKnownSecrets(sources: KnownSecretSources): Promise<string[]> {
  const out = new Set<string>();
  for (const file of sources.envFiles ?? []) {
    const text = await readText(file);
    if (text === undefined) continue;
    for (const [key, value] of parseEnvText(text)) if (isSecretName(key) && value) out.add(value);
  }
  for (const file of sources.jsonFiles ?? []) {
    const text = await readText(file);
    if (text === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON5.parse(text);
    } catch {
      continue; // an unparsable file is masked by the text rules alone
    }
    collectFromValue(parsed, false, out);
  }
  for (const value of sources.extra ?? []) if (value) out.add(value);
  return [...out]
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_KNOWN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}
