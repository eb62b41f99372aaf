/**
 * (Test-only) What a Telegram adapter test needs around the adapter: a resolved account, a core
 * stand-in context that records inbound messages, statuses and raw log lines (unredacted, so a
 * leaked token would show), and waiting for a condition.
 */
import type {
  AdapterContext,
  AdapterStatus,
  InboundMessage,
  ResolvedAccount,
} from '../channels/contract.js';
import type { Logger } from '../infra/logger.js';

export function telegramAccount(
  token: string,
  raw: Record<string, unknown> = {},
  overrides: Partial<ResolvedAccount> = {},
): ResolvedAccount {
  return {
    channel: 'telegram',
    accountId: 'default',
    enabled: true,
    token,
    tokenSource: 'config',
    dmPolicy: 'pairing',
    allowFrom: [],
    groupPolicy: 'allowlist',
    groupAllowFrom: [],
    textChunkLimit: 4000,
    mediaMaxBytes: 100 * 1024 * 1024,
    raw,
    ...overrides,
  };
}

export interface RecordingContext extends AdapterContext {
  inbound: InboundMessage[];
  statuses: AdapterStatus[];
  /** Every log call as one JSON line, exactly as the adapter passed it (no redaction). */
  logLines: string[];
  abort(): void;
}

function recordingLogger(lines: string[], base: Record<string, unknown> = {}): Logger {
  const log =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push(JSON.stringify({ level, msg, ...base, ...fields }));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => recordingLogger(lines, { ...base, ...fields }),
  };
}

export function recordingContext(): RecordingContext {
  const controller = new AbortController();
  const inbound: InboundMessage[] = [];
  const statuses: AdapterStatus[] = [];
  const logLines: string[] = [];
  return {
    inbound,
    statuses,
    logLines,
    logger: recordingLogger(logLines),
    onInbound: (message) => inbound.push(message),
    onStatus: (status) => statuses.push(status),
    signal: controller.signal,
    abort: () => controller.abort(),
  };
}

export async function waitFor<T>(
  probe: () => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
