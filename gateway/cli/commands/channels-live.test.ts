/**
 * The channel commands against a real gateway with real adapters: Telegram against crabline's Bot
 * API (status, the DM pairing code, `pairing list`, `pairing approve` making the first command
 * owner, `channels remove` stopping the live account) and WhatsApp against the link stand-in
 * (`channels login` draws the QR, the test phone scans the PNG the CLI saved, the CLI says
 * "Linked as …"). Nothing printed may contain the bot token.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTelegramServer } from '@openclaw/crabline';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfigSnapshot } from '../../config/config-store.js';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { qrMatrixFromPng } from '../../channels/qr/png-matrix.js';
import { readQrText } from '../../channels/qr/qr-read.js';
import { startTestGateway, type TestGateway } from '../../testing/test-gateway.js';
import {
  startWhatsAppLinkStandIn,
  type WhatsAppLinkStandIn,
} from '../../testing/whatsapp-link-stand-in.js';
import { channels } from './channels.js';
import { loginQrFile } from './channels-login.js';
import { pairing } from './pairing.js';

type Crabline = Awaited<ReturnType<typeof startTelegramServer>>;

let stdout: string[] = [];
function capture(): void {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
    stdout.push(String(t));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((t) => {
    stdout.push(String(t));
    return true;
  });
}
const printed = () => stdout.join('');

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

afterEach(() => vi.restoreAllMocks());

describe('channels and pairing CLI with a Telegram bot (crabline)', () => {
  let server: Crabline;
  let gw: TestGateway;
  let env: Record<string, string>;
  let paths: StatePaths;
  let recorderDir: string;
  const sent: string[] = [];

  const cli = async (run: () => Promise<number>): Promise<{ code: number; out: string }> => {
    capture();
    try {
      const code = await run();
      return { code, out: printed() };
    } finally {
      vi.restoreAllMocks();
    }
  };
  const statusJson = async () => {
    const { out } = await cli(() => channels(['status', '--json'], env, paths));
    return JSON.parse(out) as {
      source: string;
      channelAccounts: Record<string, Array<Record<string, unknown>>>;
    };
  };

  beforeAll(async () => {
    recorderDir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-cli-tg-'));
    server = await startTelegramServer({
      recorderPath: path.join(recorderDir, 'telegram.jsonl'),
      botUsername: 'oc_cli_bot',
      onEvent: (e) => {
        const body = e.body as { text?: unknown } | undefined;
        if (e.type === 'api' && e.path?.endsWith('/sendMessage')) sent.push(String(body?.text));
      },
    });
    gw = await startTestGateway({
      channels: {
        telegram: {
          botToken: server.manifest.botToken,
          apiRoot: server.manifest.endpoints.apiRoot,
        },
      },
    });
    env = { ...gw.env, OPENCLAW_GATEWAY_URL: gw.url };
    paths = resolveStatePaths(env);
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await server?.close();
    await fs.rm(recorderDir, { recursive: true, force: true });
  }, 30_000);

  it('status shows the connected bot with its token source only', async () => {
    const account = await until('telegram connected', async () => {
      const status = await statusJson();
      const row = status.channelAccounts.telegram?.[0];
      return row?.connected === true ? row : undefined;
    });
    expect(account).toMatchObject({ accountId: 'default', running: true, tokenSource: 'config' });
    const { code, out } = await cli(() => channels(['status'], env, paths));
    expect(code).toBe(0);
    expect(out).toMatch(/Telegram default: connected \(as @oc_cli_bot/);
    expect(out).not.toContain(server.manifest.botToken.split(':')[1]);
    // --probe asks Telegram (getMe) with the token, live.
    const probed = await cli(() => channels(['status', '--probe'], env, paths));
    expect(probed.out).toMatch(/probe: ok \(@oc_cli_bot\)/);
  });

  it('an unknown sender gets a code; pairing list shows it; approve makes the first owner', async () => {
    const inbound = await fetch(server.manifest.endpoints.adminInboundUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-crabline-admin-token': server.manifest.adminToken,
      },
      body: JSON.stringify({
        chatId: '123456789',
        fromId: 123456789,
        fromUsername: 'alice',
        fromName: 'Alice',
        text: 'hello',
      }),
    });
    expect(inbound.ok).toBe(true);
    const code = await until('the pairing reply', async () =>
      sent.map((t) => /\b([A-HJ-NP-Z2-9]{8})\b/.exec(t)?.[1]).find(Boolean),
    );
    expect(sent.join('\n')).toContain(`openclaw pairing approve telegram ${code}`);

    const listed = await cli(() => pairing(['list', 'telegram', '--json'], env, paths));
    const list = JSON.parse(listed.out) as { requests: Array<Record<string, unknown>> };
    expect(list.requests).toMatchObject([
      { requestId: code, channel: 'telegram', accountId: 'default', senderId: '123456789' },
    ]);
    const human = await cli(() => pairing(['list'], env, paths));
    expect(human.out).toContain(`${code}  Telegram default`);
    expect(human.out).toContain('the first sender approved here becomes it');

    // A wrong account says which accounts take requests, instead of "expired".
    await expect(
      pairing(['approve', 'telegram', code!, '--account', 'other'], env, paths),
    ).rejects.toThrow(
      /no Telegram account "other" takes pairing requests \(accounts that do: telegram\/default\)/,
    );
    // The channel is left out: the code alone finds the request.
    const approved = await cli(() =>
      pairing(['approve', code!.toLowerCase(), '--notify'], env, paths),
    );
    expect(approved.code).toBe(0);
    expect(approved.out).toContain('Approved');
    expect(approved.out).toContain('They were told in the chat.');
    expect(sent.at(-1)).toBe('You can now talk to the agent.');
    expect(approved.out).toContain('telegram:123456789 is now the command owner');
    const snapshot = await loadConfigSnapshot(paths, env);
    expect((snapshot.config.commands as Record<string, unknown>).ownerAllowFrom).toEqual([
      'telegram:123456789',
    ]);
    await expect(pairing(['approve', code!], env, paths)).rejects.toThrow(
      /no pending pairing request with code/,
    );
  });

  it('stop and start the account on the running gateway; logout on a bot token says what to use instead', async () => {
    const stopped = await cli(() => channels(['stop', '--channel', 'telegram'], env, paths));
    expect(stopped.code).toBe(0);
    expect(stopped.out).toContain('Stopped Telegram account default');
    await until('telegram stopped', async () => {
      const row = (await statusJson()).channelAccounts.telegram?.[0];
      return row && row.running === false ? row : undefined;
    });
    await expect(channels(['logout', '--channel', 'telegram'], env, paths)).rejects.toThrow(
      /has no login to forget .*openclaw channels stop --channel telegram/,
    );
    const started = await cli(() => channels(['start', 'telegram'], env, paths));
    expect(started.code).toBe(0);
    expect(started.out).toContain('Starting Telegram account default');
    await until('telegram connected again', async () => {
      const row = (await statusJson()).channelAccounts.telegram?.[0];
      return row?.connected === true ? row : undefined;
    });
  });

  it('remove stops the live account first, then disables it', async () => {
    const { code, out } = await cli(() =>
      channels(['remove', '--channel', 'telegram'], env, paths),
    );
    expect(code).toBe(0);
    expect(out).toContain('Disabled Telegram account default (stopped it on the running gateway)');
    const account = await until('telegram disabled', async () => {
      const row = (await statusJson()).channelAccounts.telegram?.[0];
      return row && row.enabled === false ? row : undefined;
    });
    expect(account.running).toBe(false);
  });
});

describe('channels login with WhatsApp (link stand-in)', () => {
  let standIn: WhatsAppLinkStandIn;
  let gw: TestGateway;
  let env: Record<string, string>;
  let paths: StatePaths;

  beforeAll(async () => {
    standIn = await startWhatsAppLinkStandIn({ refs: 3 });
    gw = await startTestGateway({}, { env: { OPENCLAW_WHATSAPP_WEB_SOCKET_URL: standIn.url } });
    env = { ...gw.env, OPENCLAW_GATEWAY_URL: gw.url };
    paths = resolveStatePaths(env);
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await standIn?.close();
  }, 30_000);

  it('draws the QR, saves the PNG the phone scans, and reports the link', async () => {
    capture();
    const file = loginQrFile(paths, 'default');
    const login = channels(['login'], env, paths);
    const png = await until('the saved QR', () => fs.readFile(file));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const matrix = qrMatrixFromPng(png);
    // The terminal shows the same modules as the file (light modules drawn as blocks).
    const blockLines = printed()
      .split('\n')
      .filter((l) => /^[█▀▄ ]+$/.test(l) && l.length > 20);
    expect(blockLines.length).toBe(Math.ceil((matrix.length + 4) / 2));
    const topRow = [...blockLines[1]!].map((ch) => ch === '█' || ch === '▀');
    expect(topRow.slice(2, 2 + matrix.length)).toEqual(matrix[0]!.map((dark) => !dark));
    standIn.scan(readQrText(matrix));
    expect(await login).toBe(0);
    vi.restoreAllMocks();
    expect(printed()).toContain('Added WhatsApp account default');
    expect(printed()).toMatch(/Linked as \+15550000000/);
    await expect(fs.stat(file)).rejects.toThrow();
    expect(standIn.events).toEqual(
      expect.arrayContaining(['pair-device', 'pair-success', 'restart-515', 'login']),
    );
    const authDir = path.join(paths.stateDir, 'credentials', 'whatsapp', 'default');
    expect((await fs.readdir(authDir)).length).toBeGreaterThan(0);

    // Logout through the gateway: the device is removed on WhatsApp's side and the files go.
    capture();
    expect(await channels(['logout'], env, paths)).toBe(0);
    vi.restoreAllMocks();
    expect(printed()).toContain('Logged out WhatsApp account default: its login is forgotten');
    expect(standIn.events).toContain('logout');
    await expect(fs.stat(path.join(authDir, 'creds.json'))).rejects.toThrow();
  }, 60_000);
});
