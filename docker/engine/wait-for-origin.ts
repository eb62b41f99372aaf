/**
 * Waits until the gateway accepts browser WebSocket upgrades from `origin`. Setup writes the
 * allowed origins after the gateway started; the gateway applies them on its next config reload
 * (a file watch plus a debounce), so for a moment after "healthy" a Control UI on the new port or
 * a LAN address would still get 403. A bare upgrade request (no WebSocket library, nothing sent
 * after the handshake) tells accepted (101) from refused (403).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { cancelledError, sleep } from './abort.js';

export interface WaitForOriginOptions {
  /** Default 15 s. */
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/** One upgrade attempt: 'accepted', 'refused' (HTTP status) or 'error' (no answer). */
export function probeOrigin(
  wsUrl: string,
  origin: string,
  timeoutMs = 3000,
): Promise<'accepted' | 'refused' | 'error'> {
  const url = new URL(wsUrl);
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname || '/',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        Origin: origin,
      },
      timeout: timeoutMs,
    });
    req.once('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('accepted');
    });
    req.once('response', (res) => {
      res.resume();
      resolve('refused');
    });
    req.once('timeout', () => {
      req.destroy();
      resolve('error');
    });
    req.once('error', () => resolve('error'));
    req.end();
  });
}

/** True once every origin is accepted; false when the time is up (the caller decides how loud). */
export async function waitForOrigins(
  wsUrl: string,
  origins: readonly string[],
  options: WaitForOriginOptions = {},
): Promise<{ ok: boolean; refused: string[] }> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let pending = [...origins];
  for (;;) {
    if (options.signal?.aborted) throw cancelledError('Waiting for the gateway');
    const results = await Promise.all(pending.map((o) => probeOrigin(wsUrl, o)));
    pending = pending.filter((_, i) => results[i] !== 'accepted');
    if (pending.length === 0) return { ok: true, refused: [] };
    if (Date.now() >= deadline) return { ok: false, refused: pending };
    await sleep(
      Math.min(options.intervalMs ?? 250, Math.max(0, deadline - Date.now())),
      options.signal,
    );
  }
}
