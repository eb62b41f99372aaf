/**
 * (Test-only) What a Discord adapter test needs around crabline: a server with its traffic
 * captured in process, a resolved account, an adapter context that records what the adapter
 * reports and logs, and inbound injection (guild, thread, DM) as crabline's admin endpoint takes it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDiscordServer, type StartedDiscordServer } from '@openclaw/crabline';
import type { OpenClawConfig } from '../config/config-types.js';
import type { StatePaths } from '../config/paths.js';
import type {
  AdapterContext,
  AdapterEnvironment,
  AdapterStatus,
  InboundMessage,
  ResolvedAccount,
} from '../channels/contract.js';
import { createLogger, type LogRecord } from '../infra/logger.js';

export interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

export interface CrablineDiscord {
  server: StartedDiscordServer;
  calls: RecordedCall[];
  dir: string;
  port: number;
  /** Starts the server again on the same port (state is lost, as after a real outage). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startCrablineDiscord(): Promise<CrablineDiscord> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-discord-'));
  const calls: RecordedCall[] = [];
  const onEvent = (event: { type: string; method: string; path: string; body?: unknown }): void => {
    if (event.type === 'api') {
      calls.push({
        method: event.method,
        path: event.path,
        body: (event.body ?? {}) as Record<string, unknown>,
      });
    }
  };
  let server = await startDiscordServer({
    recorderPath: join(dir, 'discord-1.jsonl'),
    botUsername: 'oc_test_bot',
    onEvent,
  });
  const port = Number(new URL(server.manifest.baseUrl).port);
  const adminToken = server.manifest.adminToken;
  let generation = 1;
  const harness: CrablineDiscord = {
    server,
    calls,
    dir,
    port,
    restart: async () => {
      generation += 1;
      server = await startDiscordServer({
        port,
        adminToken,
        botUsername: 'oc_test_bot',
        recorderPath: join(dir, `discord-${generation}.jsonl`),
        onEvent,
      });
      harness.server = server;
    },
    close: async () => {
      await harness.server.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** crabline's DM channel id for a bot and a user (its rule, not exported by the package). */
export function directChannelId(botUserId: string, userId: string): string {
  const digest = createHash('sha256')
    .update([botUserId, userId].sort().join(':'))
    .digest('hex')
    .slice(0, 16);
  return (10n ** 17n + (BigInt(`0x${digest}`) % (9n * 10n ** 17n))).toString();
}

export async function injectDiscord(
  server: StartedDiscordServer,
  message: {
    channelId: string;
    guildId?: string;
    parentChannelId?: string;
    senderId: string;
    senderName?: string;
    content: string;
    message_reference?: { message_id: string };
  },
): Promise<{ id: string }> {
  const res = await fetch(server.manifest.endpoints.adminInboundUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-crabline-admin-token': server.manifest.adminToken,
    },
    body: JSON.stringify(message),
  });
  if (!res.ok) throw new Error(`crabline inbound ${res.status}: ${await res.text()}`);
  const answer = (await res.json()) as { message: { id: string } };
  return { id: answer.message.id };
}

export function discordAccount(
  token: string,
  overrides: Partial<ResolvedAccount> = {},
): ResolvedAccount {
  return {
    channel: 'discord',
    accountId: 'default',
    enabled: true,
    token,
    tokenSource: 'config',
    dmPolicy: 'pairing',
    allowFrom: [],
    groupPolicy: 'allowlist',
    groupAllowFrom: [],
    textChunkLimit: 2000,
    mediaMaxBytes: 100 * 1024 * 1024,
    raw: {},
    ...overrides,
  };
}

export interface RecordingContext extends AdapterContext {
  inbound: InboundMessage[];
  statuses: AdapterStatus[];
  logs: LogRecord[];
  controller: AbortController;
  /** Resolves with the first inbound message that matches. */
  nextInbound(
    match?: (message: InboundMessage) => boolean,
    timeoutMs?: number,
  ): Promise<InboundMessage>;
  /** Resolves with the first status from index `from` on that matches. */
  waitForStatus(
    match: (status: AdapterStatus) => boolean,
    from?: number,
    timeoutMs?: number,
  ): Promise<AdapterStatus>;
}

async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function recordingContext(): RecordingContext {
  const inbound: InboundMessage[] = [];
  const statuses: AdapterStatus[] = [];
  const logs: LogRecord[] = [];
  const controller = new AbortController();
  let seen = 0;
  return {
    inbound,
    statuses,
    logs,
    controller,
    signal: controller.signal,
    logger: createLogger({ level: 'debug', sink: (record) => logs.push(record) }),
    onInbound: (message) => inbound.push(message),
    onStatus: (status) => statuses.push(status),
    nextInbound: async (match = () => true, timeoutMs = 10_000) => {
      const found = await until(
        () => inbound.slice(seen).find(match),
        timeoutMs,
        'an inbound message',
      );
      seen = inbound.indexOf(found) + 1;
      return found;
    },
    waitForStatus: (match, from = 0, timeoutMs = 10_000) =>
      until(() => statuses.slice(from).find(match), timeoutMs, 'a status'),
  };
}

export function discordEnvironment(apiUrl: string): AdapterEnvironment {
  return {
    config: {} as OpenClawConfig,
    env: { DISCORD_API_URL: apiUrl },
    paths: {} as StatePaths,
  };
}
