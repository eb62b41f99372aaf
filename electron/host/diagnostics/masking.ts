/**
 * Masking for everything that leaves the machine in a support bundle: `.env` and compose files,
 * config-like JSON, container inspect output and log lines. Layered on purpose — each layer catches
 * what the others miss — and erring towards hiding too much:
 *
 * 1. every known secret value (gateway token, device tokens, config secrets), also URL- and
 *    JSON-escaped, wherever it appears;
 * 2. the logger's token patterns (`#token=`, `?token=`, `Bearer …`, PEM private keys) plus Basic
 *    auth and credentials in URLs;
 * 3. JSON string fields (also escaped JSON inside a JSON log line) and arrays under secret names;
 * 4. line formats: `KEY=value` (.env), `key: value` (YAML, JSON5, HTTP headers) with YAML block
 *    scalars and lists under a secret key;
 * 5. any remaining `name=value` / `name: value` pair whose name looks secret;
 * 6. well-known provider token shapes (OpenAI, GitHub, Slack, Telegram, AWS, Google, JWTs).
 *
 * A value that only refers to a variable (`${OPENCLAW_GATEWAY_TOKEN}`) reveals nothing and stays
 * readable, as do empty values: "the token is missing" is exactly what support needs to see.
 */
import { REDACTED, redactText } from '../../../gateway/infra/logger.js';

export const MASK = '***';
/** Shorter known values are not replaced everywhere: they would garble ordinary words. */
export const MIN_KNOWN_SECRET_LENGTH = 6;

export interface MaskOptions {
  /** Secret values to hide wherever they appear. */
  knownSecrets?: readonly string[];
}

const SECRET_WORDS =
  'token|passw(?:or)?d|passphrase|secret|key|auth|credential|cookie|signature|private';
const SECRET_NAME = new RegExp(`(?:${SECRET_WORDS})`, 'i');
/** Names that contain a secret word but hold public or harmless data. */
const PUBLIC_NAME = /^(?:public[-_]?key|publickey|keys?count|max[-_]?tokens?|tokens?[-_]?count)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !PUBLIC_NAME.test(name);
}

/** Values that are safe to show under a secret name. */
function isHarmlessValue(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    v === MASK ||
    v === REDACTED ||
    /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-)?\}$/.test(v) ||
    /^(?:true|false|null|~)$/i.test(v)
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function maskKnown(text: string, secrets: readonly string[]): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_KNOWN_SECRET_LENGTH) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...variants].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return text;
  return text.replace(new RegExp(sorted.map(escapeRegExp).join('|'), 'g'), MASK);
}

const BASIC_AUTH = /(\bBasic\s+)[A-Za-z0-9+/=]{6,}/g;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:)[^\s@/"']+(@)/gi;
const SECRET_FLAG = new RegExp(
  `(--?[\\w-]*(?:${SECRET_WORDS})[\\w-]*(?:=|\\s+))(?!-)([^\\s"']+)`,
  'gi',
);

/**
 * The logger's patterns, applied between quote characters: they are meant for single string values
 * (one of them takes everything up to the next blank), so on a whole JSON or YAML document they
 * would swallow the closing quote and comma after a value.
 */
function redactBetweenQuotes(text: string): string {
  return text
    .split(/(["'])/)
    .map((part, i) => (i % 2 === 0 ? redactText(part) : part))
    .join('')
    .split(REDACTED)
    .join(MASK);
}

function maskPatterns(text: string): string {
  let out = redactBetweenQuotes(text);
  out = out.replace(BASIC_AUTH, `$1${MASK}`);
  out = out.replace(URL_CREDENTIALS, `$1${MASK}$2`);
  out = out.replace(SECRET_FLAG, (match, flag: string, value: string) =>
    isHarmlessValue(value) ? match : `${flag}${MASK}`,
  );
  return out;
}

// `\"key\":\"value\"` — JSON text inside a JSON string (a log line carrying a payload).
const ESCAPED_JSON_FIELD = /\\"([^"\\\n]{1,200})\\"(\s*:\s*)\\"((?:(?!\\").)*)\\"/g;
const JSON_FIELD = /"([^"\\\n]{1,200})"(\s*:\s*)"((?:[^"\\\n]|\\.)*)"/g;
const JSON_ARRAY_FIELD = /"([^"\\\n]{1,200})"(\s*:\s*)\[([^[\]{}]*)\]/g;

function maskJson(text: string): string {
  let out = text.replace(ESCAPED_JSON_FIELD, (match, key: string, sep: string, value: string) =>
    isSecretName(key) && !isHarmlessValue(value) ? `\\"${key}\\"${sep}\\"${MASK}\\"` : match,
  );
  out = out.replace(JSON_FIELD, (match, key: string, sep: string, value: string) =>
    isSecretName(key) && !isHarmlessValue(value) ? `"${key}"${sep}"${MASK}"` : match,
  );
  out = out.replace(JSON_ARRAY_FIELD, (match, key: string, sep: string, items: string) =>
    isSecretName(key)
      ? `"${key}"${sep}[${items.replace(/"(?:[^"\\]|\\.)*"/g, (item) => (isHarmlessValue(item.slice(1, -1)) ? item : `"${MASK}"`))}]`
      : match,
  );
  return out;
}

const DOTENV_LINE = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;
const KEY_LINE = /^(\s*(?:-\s+)?)(["']?)([A-Za-z0-9_.-][A-Za-z0-9_. -]{0,200}?)\2(\s*:)(\s*)(.*)$/;
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(?:#.*)?$/;
const LIST_ITEM = /^(\s*)-(\s+)(.*)$/;

function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

/** The masked form of a scalar after `key:`; quotes, a trailing comma and a comment are kept. */
function maskScalar(value: string): string {
  if (isHarmlessValue(value)) return value;
  const quoted = /^(["'])(.*)\1(\s*,?\s*(?:#.*)?)$/.exec(value);
  if (quoted)
    return isHarmlessValue(quoted[2]!) ? value : `${quoted[1]}${MASK}${quoted[1]}${quoted[3]}`;
  if (value.startsWith('{')) return value; // a mapping: its own keys are checked
  if (value.startsWith('[')) return `[${MASK}]`;
  const trailing = /(\s*,)?\s*$/.exec(value)?.[0] ?? '';
  const bare = value.slice(0, value.length - trailing.length);
  return isHarmlessValue(bare.replace(/,$/, '')) ? value : `${MASK}${trailing}`;
}

type BlockState =
  { kind: 'none' } | { kind: 'scalar'; indent: number } | { kind: 'list'; indent: number };

function maskLines(text: string): string {
  const lines = text.split('\n');
  let block: BlockState = { kind: 'none' };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const body = line.replace(/\r$/, '');
    const cr = line.length > body.length ? '\r' : '';
    const indent = indentOf(body);
    if (block.kind === 'scalar') {
      if (body.trim() === '' || indent > block.indent) {
        if (body.trim() !== '') lines[i] = `${' '.repeat(indent)}${MASK}${cr}`;
        continue;
      }
      block = { kind: 'none' };
    } else if (block.kind === 'list') {
      const item = LIST_ITEM.exec(body);
      if (body.trim() === '' || indent > block.indent || (item && indent === block.indent)) {
        if (item && !KEY_LINE.test(item[3]!) && !isHarmlessValue(item[3]!))
          lines[i] = `${item[1]}-${item[2]}${MASK}${cr}`;
        continue;
      }
      block = { kind: 'none' };
    }
    const env = DOTENV_LINE.exec(body);
    if (env && isSecretName(env[2]!)) {
      if (!isHarmlessValue(env[4]!)) lines[i] = `${env[1]}${env[2]}${env[3]}${MASK}${cr}`;
      continue;
    }
    const kv = KEY_LINE.exec(body);
    if (!kv || !isSecretName(kv[3]!)) continue;
    const value = kv[6]!;
    const head = `${kv[1]}${kv[2]}${kv[3]}${kv[2]}${kv[4]}${kv[5]}`;
    const keyIndent = kv[1]!.length;
    if (value.trim() === '' || /^#/.test(value.trim())) {
      block = { kind: 'list', indent: keyIndent };
    } else if (BLOCK_SCALAR.test(value.trim())) {
      block = { kind: 'scalar', indent: keyIndent };
    } else {
      lines[i] = `${head}${maskScalar(value)}${cr}`;
    }
  }
  return lines.join('\n');
}

// `name=value` or `name: value` anywhere in a line, the name starting a word (not a path segment).
const INLINE_PAIR = new RegExp(
  `(?<=^|[\\s"'{(,;&?])([A-Za-z0-9_.-]*(?:${SECRET_WORDS})[A-Za-z0-9_.-]*)(["']?[ \\t]*[:=][ \\t]*)(["']?)(\\$\\{[^}\\s]*\\}|[^\\s"'&,;}\\]]+)`,
  'gi',
);

function maskInline(text: string): string {
  return text.replace(
    INLINE_PAIR,
    (
      match,
      name: string,
      sep: string,
      quote: string,
      value: string,
      offset: number,
      whole: string,
    ) => {
      if (
        !isSecretName(name) ||
        isHarmlessValue(value) ||
        BLOCK_SCALAR.test(value) ||
        value.startsWith('{') ||
        value.startsWith('[')
      )
        return match;
      // `Authorization: Bearer ***`: the credential is already masked, the scheme is worth keeping.
      const rest = whole.slice(offset + match.length);
      if (/^(?:Bearer|Basic|Digest|Token)$/i.test(value) && rest.startsWith(` ${MASK}`))
        return match;
      return `${name}${sep}${quote}${MASK}`;
    },
  );
}

const PROVIDER_TOKENS: RegExp[] = [
  /\bsk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_-]{20,}/g, // OpenAI / Anthropic style
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\b\d{6,12}:[A-Za-z0-9_-]{30,}/g, // Telegram bot token
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\b[MN][A-Za-z\d]{23,27}\.[\w-]{6}\.[\w-]{27,}/g, // Discord bot token
];

function maskProviderTokens(text: string): string {
  let out = text;
  for (const pattern of PROVIDER_TOKENS) out = out.replace(pattern, MASK);
  return out;
}

/** Text with every secret it can find replaced by `***`. */
export function maskSecrets(text: string, options: MaskOptions = {}): string {
  let out = maskKnown(text, options.knownSecrets ?? []);
  out = maskPatterns(out);
  out = maskJson(out);
  out = maskLines(out);
  out = maskInline(out);
  out = maskProviderTokens(out);
  return out;
}

/** Environment variables whose values are safe and useful in a support bundle. */
const HARMLESS_ENV = new Set([
  'PATH',
  'HOME',
  'HOSTNAME',
  'TERM',
  'LANG',
  'LC_ALL',
  'TZ',
  'NODE_VERSION',
  'YARN_VERSION',
  'NODE_ENV',
  'OPENCLAW_HOME',
  'OPENCLAW_STATE_DIR',
  'OPENCLAW_CONFIG_PATH',
  'OPENCLAW_GATEWAY_PUBLIC_PORT',
  'BROWSER',
]);

function maskEnvEntry(entry: string): string {
  const eq = entry.indexOf('=');
  if (eq < 0) return entry;
  const name = entry.slice(0, eq);
  const value = entry.slice(eq + 1);
  return HARMLESS_ENV.has(name) || value === '' ? entry : `${name}=${MASK}`;
}

/**
 * A JSON-like value with secrets masked: strings under secret keys, every string through
 * maskSecrets, the argument after a `--token`-style flag, and every environment entry
 * (`Env: ["NAME=value"]`) except a short list of harmless ones — container environments carry
 * API keys under any name.
 */
export function maskValue(value: unknown, options: MaskOptions = {}, key = '', depth = 0): unknown {
  if (depth > 64) return MASK;
  if (typeof value === 'string') {
    if (key !== '' && isSecretName(key) && !isHarmlessValue(value)) return MASK;
    return maskSecrets(value, options);
  }
  if (Array.isArray(value)) {
    const isEnv = /^env$/i.test(key);
    return value.map((item, i) => {
      if (isEnv && typeof item === 'string') return maskEnvEntry(maskSecrets(item, options));
      const previous = i > 0 ? value[i - 1] : undefined;
      if (
        typeof item === 'string' &&
        typeof previous === 'string' &&
        /^--?[\w-]+$/.test(previous) &&
        isSecretName(previous)
      )
        return MASK;
      return maskValue(item, options, '', depth + 1);
    });
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskValue(v, options, k, depth + 1);
    return out;
  }
  return value;
}
