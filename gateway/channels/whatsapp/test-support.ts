/** (Test-only) An account, environment and context for driving the WhatsApp adapter. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveStatePaths } from '../../config/paths.js';
import { silentLogger } from '../../infra/logger.js';
import type {
  AdapterContext,
  AdapterEnvironment,
  AdapterStatus,
  InboundMessage,
  ResolvedAccount,
} from '../contract.js';
import { WEB_SOCKET_URL_ENV } from './socket.js';

export function whatsappAccount(raw: Record<string, unknown> = {}): ResolvedAccount {
  return {
    channel: 'whatsapp',
    accountId: 'default',
    enabled: true,
    dmPolicy: 'pairing',
    allowFrom: [],
    groupPolicy: 'allowlist',
    groupAllowFrom: [],
    textChunkLimit: 4000,
    mediaMaxBytes: 50 * 1024 * 1024,
    raw,
  };
}

export async function tempState(): Promise<{ stateDir: string; cleanup: () => Promise<void> }> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'oc-whatsapp-'));
  return { stateDir, cleanup: () => rm(stateDir, { recursive: true, force: true }) };
}

export function environmentFor(stateDir: string, webSocketUrl: string): AdapterEnvironment {
  const env = { OPENCLAW_STATE_DIR: stateDir, [WEB_SOCKET_URL_ENV]: webSocketUrl };
  return { config: {}, env, paths: resolveStatePaths(env) };
}

/** A context that records what the adapter reports. */
export function recordingContext(): AdapterContext & {
  inbound: InboundMessage[];
  statuses: AdapterStatus[];
  nextInbound(): Promise<InboundMessage>;
  abort(): void;
} {
  const controller = new AbortController();
  const inbound: InboundMessage[] = [];
  const statuses: AdapterStatus[] = [];
  const waiters: ((message: InboundMessage) => void)[] = [];
  return {
    logger: silentLogger,
    signal: controller.signal,
    inbound,
    statuses,
    onInbound(message) {
      inbound.push(message);
      waiters.shift()?.(message);
    },
    onStatus: (status) => void statuses.push(status),
    nextInbound: () =>
      new Promise<InboundMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no inbound message within 10 s')), 10_000);
        waiters.push((message) => {
          clearTimeout(timer);
          resolve(message);
        });
      }),
    abort: () => controller.abort(),
  };
}
