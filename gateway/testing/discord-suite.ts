/**
 * (Test-only) The per-test frame of the Discord adapter tests: a fresh crabline server and
 * recording context before each test; after it, the connection, proxy and server closed and the
 * check that the bot token reached no log line and no error the test collected.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { discordAdapter } from '../channels/discord/index.js';
import type { AccountConnection, ResolvedAccount } from '../channels/contract.js';
import type { DiscordFaultProxy } from './discord-fault-proxy.js';
import {
  discordAccount,
  discordEnvironment,
  recordingContext,
  startCrablineDiscord,
  type CrablineDiscord,
  type RecordedCall,
  type RecordingContext,
} from './discord-harness.js';

export interface DiscordSuite {
  crabline: CrablineDiscord;
  context: RecordingContext;
  proxy: DiscordFaultProxy | undefined;
  connection: AccountConnection | undefined;
  /** Errors the test saw; checked for the token afterwards. */
  errors: string[];
  token(): string;
  /** Connects the adapter (to crabline unless another versioned API base is given). */
  connect(apiUrl?: string, overrides?: Partial<ResolvedAccount>): Promise<AccountConnection>;
  messagesTo(channelId: string): RecordedCall[];
}

export function discordSuite(): DiscordSuite {
  const suite: DiscordSuite = {
    crabline: undefined as unknown as CrablineDiscord,
    context: undefined as unknown as RecordingContext,
    proxy: undefined,
    connection: undefined,
    errors: [],
    token: () => suite.crabline.server.manifest.botToken,
    connect: async (apiUrl, overrides = {}) => {
      suite.connection = await discordAdapter.connect(
        discordAccount(suite.token(), overrides),
        suite.context,
        discordEnvironment(apiUrl ?? `${suite.crabline.server.manifest.endpoints.apiRoot}/v10`),
      );
      return suite.connection;
    },
    messagesTo: (channelId) =>
      suite.crabline.calls.filter(
        (call) => call.method === 'POST' && call.path === `/api/v10/channels/${channelId}/messages`,
      ),
  };

  beforeEach(async () => {
    suite.crabline = await startCrablineDiscord();
    suite.context = recordingContext();
  });

  afterEach(async () => {
    await suite.connection?.stop();
    suite.connection = undefined;
    await suite.proxy?.close();
    suite.proxy = undefined;
    const secret = suite.token();
    await suite.crabline.close();
    expect(JSON.stringify(suite.context.logs)).not.toContain(secret);
    expect(suite.errors.join('\n')).not.toContain(secret);
    suite.errors.length = 0;
  });

  return suite;
}
