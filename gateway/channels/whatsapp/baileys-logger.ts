/**
 * Baileys logs through a pino-shaped `ILogger`; this one forwards to our Logger without pulling in
 * pino. Baileys is chatty and logs whole stanzas, creds and key material at debug/trace, so
 * only short scalar fields under harmless names pass, trace is dropped, and its info/warn lines
 * land at our debug (its warnings are mostly routine: retries, unknown stanzas).
 */
import type { UserFacingSocketConfig } from 'baileys';
import type { Logger } from '../../infra/logger.js';

/** Baileys' logger interface (not exported by name from the package root). */
export type BaileysLogger = NonNullable<UserFacingSocketConfig['logger']>;

const SENSITIVE_FIELD =
  /key|secret|creds|noise|identity|signed|adv|token|private|pub|session|signal|node|buff|payload|data/i;
const MAX_STRING = 200;

function safeFields(obj: unknown): Record<string, unknown> {
  if (obj instanceof Error) return { err: obj.message.slice(0, MAX_STRING) };
  if (typeof obj !== 'object' || obj === null) return {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(obj)) {
    if (SENSITIVE_FIELD.test(name)) continue;
    if (value instanceof Error) out[name] = value.message.slice(0, MAX_STRING);
    else if (typeof value === 'string') out[name] = value.slice(0, MAX_STRING);
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = value;
  }
  return out;
}

/** pino's call shapes: (msg), (obj), (obj, msg). */
function split(obj: unknown, msg?: string): [string, Record<string, unknown>] {
  if (typeof obj === 'string') return [obj.slice(0, MAX_STRING), {}];
  const fields = safeFields(obj);
  return [
    msg?.slice(0, MAX_STRING) ?? (typeof fields.err === 'string' ? fields.err : 'baileys'),
    fields,
  ];
}

export function baileysLogger(logger: Logger): BaileysLogger {
  return {
    // Baileys does extra work (frame dumps) only when this reads 'trace'.
    level: 'info',
    child: (fields: Record<string, unknown>) => baileysLogger(logger.child(safeFields(fields))),
    trace: () => {},
    debug: (obj: unknown, msg?: string) => logger.debug(...split(obj, msg)),
    info: (obj: unknown, msg?: string) => logger.debug(...split(obj, msg)),
    warn: (obj: unknown, msg?: string) => logger.debug(...split(obj, msg)),
    error: (obj: unknown, msg?: string) => logger.warn(...split(obj, msg)),
  };
}
