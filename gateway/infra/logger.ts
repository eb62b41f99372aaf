/**
 * Structured logger. Secrets never reach a sink: values under secret-looking keys and token-shaped
 * substrings (URL fragments, bearer headers, query tokens) are redacted here, at the one exit.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  ts: string;
  level: LogLevel;
  msg: string;
  [key: string]: unknown;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export const REDACTED = '[redacted]';

const SECRET_KEY =
  /(token|password|secret|apikey|api_key|authorization|privatekey|private_key|cookie|signature)/i;

const SECRET_PATTERNS: RegExp[] = [
  /(#token=)[^&\s"']+/gi,
  /([?&](?:token|password|access_token)=)[^&\s"']+/gi,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/g,
  /(OPENCLAW_GATEWAY_(?:TOKEN|PASSWORD)=)\S+/g,
  /(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g,
];

/** Redact token-shaped substrings of free text. */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, prefix: string, suffix?: string) =>
      typeof suffix === 'string' && suffix.startsWith('-----END')
        ? `${prefix}${REDACTED}${suffix}`
        : `${prefix}${REDACTED}`,
    );
  }
  for (const secret of extraSecrets) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Deep-copy a value with secret-keyed fields replaced and strings scrubbed. */
export function redactValue(
  value: unknown,
  extraSecrets: readonly string[] = [],
  depth = 0,
): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return redactText(value, extraSecrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, extraSecrets, depth + 1));
  if (value instanceof Error)
    return { name: value.name, message: redactText(value.message, extraSecrets) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        SECRET_KEY.test(key) && v !== undefined && v !== null && v !== ''
          ? REDACTED
          : redactValue(v, extraSecrets, depth + 1);
    }
    return out;
  }
  return value;
}

export interface CreateLoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  fields?: Record<string, unknown>;
  /** Known secret values (the gateway token) scrubbed from every record. */
  secrets?: () => readonly string[];
}

/** JSON lines on stderr by default; stdout stays free for CLI output. */
export function jsonLineSink(stream: NodeJS.WritableStream = process.stderr): LogSink {
  return (record) => {
    stream.write(`${JSON.stringify(record)}\n`);
  };
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const sink = options.sink ?? jsonLineSink();
  const base = options.fields ?? {};
  const secrets = options.secrets ?? (() => []);

  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVEL_ORDER[level] < threshold) return;
    const extra = secrets();
    const record = redactValue({ ...base, ...fields }, extra) as Record<string, unknown>;
    sink({ ts: new Date().toISOString(), level, msg: redactText(msg, extra), ...record });
  };

  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests, `--json` CLI output). */
export const silentLogger: Logger = createLogger({ sink: () => {} });
