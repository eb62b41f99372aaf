/**
 * Waits until an HTTP endpoint (the gateway's unauthenticated /healthz) answers 2xx. The
 * container healthcheck runs inside the container; this checks the path a user's browser takes
 * (published port on the host), which can fail on its own (port clash, firewall, wrong bind).
 */
import { ErrorCode, OpenClawError, errorMessage } from '../../gateway/infra/errors.js';
import { cancelledError, sleep } from './abort.js';

export interface WaitForHttpOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /** Pause between attempts (default 500 ms). */
  intervalMs?: number;
  /** Per-attempt limit (default 3 s), so one hung connection cannot eat the whole budget. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Resolves with the first 2xx status; HEALTH_TIMEOUT names the last failure seen. */
export async function waitForHttp(
  url: string,
  options: WaitForHttpOptions = {},
): Promise<{ status: number }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `Not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Only http(s) URLs can be checked, not ${parsed.protocol}`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const { signal } = options;
  let lastFailure: string | undefined;

  for (;;) {
    if (signal?.aborted) throw cancelledError('Waiting for the gateway');
    const requestTimeoutMs = options.requestTimeoutMs ?? 3_000;
    const budget = Math.max(1, Math.min(requestTimeoutMs, deadline - Date.now()));
    const attempt = AbortSignal.timeout(budget);
    try {
      const response = await fetch(parsed, {
        signal: signal ? AbortSignal.any([signal, attempt]) : attempt,
        redirect: 'manual',
        headers: { accept: 'application/json, text/plain, */*' },
      });
      // Drain the body so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { status: response.status };
      lastFailure = `HTTP ${response.status}`;
    } catch (err) {
      if (signal?.aborted) throw cancelledError('Waiting for the gateway');
      const cause = (err as { cause?: unknown }).cause;
      const code =
        cause && typeof cause === 'object' && 'code' in cause
          ? String((cause as { code: unknown }).code)
          : undefined;
      // An attempt cut short by the overall deadline says nothing new; keep the earlier reason.
      const cutShort = attempt.aborted && budget < requestTimeoutMs && lastFailure !== undefined;
      if (!cutShort)
        lastFailure = attempt.aborted
          ? 'no answer (request timed out)'
          : (code ?? errorMessage(err));
    }
    if (Date.now() >= deadline) {
      throw new OpenClawError(
        ErrorCode.HEALTH_TIMEOUT,
        `${parsed.origin}${parsed.pathname} did not answer within ${formatSeconds(timeoutMs)} (last result: ${lastFailure ?? 'no attempt finished'}). Check that the gateway container is running and that nothing else uses its port.`,
        { details: { url: `${parsed.origin}${parsed.pathname}`, lastFailure } },
      );
    }
    await sleep(Math.min(options.intervalMs ?? 500, Math.max(0, deadline - Date.now())), signal);
  }
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
