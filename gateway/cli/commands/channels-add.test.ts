// `openclaw channels add|remove|list|status|logout` on real config files in a temp state dir, with
// no gateway listening (a closed port): what lands in openclaw.json, that no token is ever
// printed, the second-account move, flag errors that name the flags, and the config-only status.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigSnapshot } from '../../config/config-store.js';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { closedTestPort } from '../../testing/stand-in-server.js';
import { channels } from './channels.js';
import { channelsAdd } from './channels-add.js';
import type { PromptIo } from './channels-prompt.js';

const TG_TOKEN = '123456789:AAE-secret_token_value_abcdefghij';
const TG_TOKEN_2 = '987654321:AAF-other_secret_value_klmnopqrst';
const DC_TOKEN = 'MTM1MDAwMDAwMDAwMDAwMDAx.Gx1y2z.discord-secret-value';

let dir: string;
let paths: StatePaths;
let env: Record<string, string>;
let stdout: string[];
let stderr: string[];

const noTerminal: PromptIo = {
  interactive: false,
  ask: () => Promise.reject(new Error('must not ask without a terminal')),
  askSecret: () => Promise.reject(new Error('must not ask without a terminal')),
};

async function run(args: string[]): Promise<number> {
  return args[0] === 'add'
    ? channelsAdd(args.slice(1), env, paths, noTerminal)
    : channels(args, env, paths);
}

interface Block {
  [key: string]: unknown;
  accounts?: Record<string, unknown>;
}

async function doc(): Promise<{ channels: Record<string, Block> }> {
  return JSON.parse(await fs.readFile(paths.configPath, 'utf8')) as {
    channels: Record<string, Block>;
  };
}

function printed(): string {
  return stdout.join('') + stderr.join('');
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-cli-channels-'));
  env = {
    OPENCLAW_STATE_DIR: dir,
    OPENCLAW_HOME: dir,
    OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${await closedTestPort()}`,
  };
  paths = resolveStatePaths(env);
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
    stdout.push(String(t));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((t) => {
    stderr.push(String(t));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('openclaw channels add', () => {
  it('writes a Telegram token with dmPolicy pairing, 0600, and never prints the token', async () => {
    expect(await run(['add', '--channel', 'telegram', '--token', TG_TOKEN])).toBe(0);
    expect((await doc()).channels).toEqual({
      telegram: { botToken: TG_TOKEN, dmPolicy: 'pairing' },
    });
    expect((await fs.stat(paths.configPath)).mode & 0o777).toBe(0o600);
    expect(printed()).toContain('Added Telegram account default (token saved in the config)');
    expect(printed()).toContain('openclaw pairing approve telegram <CODE>');
    expect(printed()).not.toContain('AAE-secret');
    // The validated config sees it as a channel block.
    expect((await loadConfigSnapshot(paths, env)).valid).toBe(true);
  });

  it('moves the first account into accounts.default when a second one is added', async () => {
    await run(['add', '--channel', 'telegram', '--token', TG_TOKEN, '--name', 'Home bot']);
    stdout.length = 0;
    expect(
      await run(['add', 'telegram', '--account', 'work', '--token', TG_TOKEN_2, '--json']),
    ).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({
      ok: true,
      accountId: 'work',
      movedToAccountsDefault: true,
      updated: false,
    });
    expect((await doc()).channels.telegram).toEqual({
      dmPolicy: 'pairing',
      accounts: {
        default: { botToken: TG_TOKEN, name: 'Home bot' },
        work: { botToken: TG_TOKEN_2 },
      },
    });
    expect(printed()).not.toContain('secret');
  });

  it('stores --token-file as a path (Telegram tokenFile, Discord file SecretRef) after checking it', async () => {
    const file = path.join(dir, 'token.txt');
    await fs.writeFile(file, `${DC_TOKEN}\n`, { mode: 0o600 });
    expect(await run(['add', '--channel', 'telegram', '--token-file', file])).toBe(0);
    expect(await run(['add', '--channel', 'discord', '--token-file', file])).toBe(0);
    const channelsDoc = (await doc()).channels;
    expect(channelsDoc.telegram).toEqual({ tokenFile: file, dmPolicy: 'pairing' });
    expect(channelsDoc.discord).toEqual({
      token: { source: 'file', provider: 'default', id: file },
      dmPolicy: 'pairing',
    });
    const link = path.join(dir, 'link.txt');
    await fs.symlink(file, link);
    await expect(run(['add', '--channel', 'telegram', '--token-file', link])).rejects.toThrow(
      /must be a regular file/,
    );
    await expect(
      run(['add', '--channel', 'telegram', '--token-file', path.join(dir, 'nope')]),
    ).rejects.toThrow(/does not exist/);
  });

  it('--use-env checks the variable and stores no token', async () => {
    await expect(run(['add', '--channel', 'discord', '--use-env'])).rejects.toThrow(
      /DISCORD_BOT_TOKEN is not set.*Nothing was changed/,
    );
    await expect(fs.stat(paths.configPath)).rejects.toThrow();
    env.DISCORD_BOT_TOKEN = DC_TOKEN;
    expect(await run(['add', '--channel', 'discord', '--use-env'])).toBe(0);
    expect((await doc()).channels.discord).toEqual({ dmPolicy: 'pairing' });
    expect(printed()).toContain('token from DISCORD_BOT_TOKEN');
    expect(printed()).toContain('Message Content intent');
    await expect(
      run(['add', '--channel', 'discord', '--account', 'alt', '--use-env']),
    ).rejects.toThrow(/default account only/);
  });

  it('fails at once without a terminal, naming the flags to pass', async () => {
    await expect(run(['add', '--channel', 'telegram'])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/--token <token>, --token-file <path> or --use-env/),
    });
    await expect(run(['add'])).rejects.toThrow(/needs --channel/);
    await expect(
      run(['add', '--channel', 'telegram', '--account', '', '--token', TG_TOKEN]),
    ).rejects.toThrow(/--account must not be blank/);
    await expect(run(['add', '--channel', 'signal', '--token', 'x'])).rejects.toThrow(
      /unknown channel "signal"/,
    );
    await expect(run(['add', '--channel', 'telegram', '--token', 'not-a-token'])).rejects.toThrow(
      /does not look like a Telegram bot token/,
    );
    await expect(run(['add', '--channel', 'whatsapp', '--token', TG_TOKEN])).rejects.toThrow(
      /WhatsApp has no token/,
    );
    await expect(fs.stat(paths.configPath)).rejects.toThrow();
    expect(printed()).not.toContain('AAE-secret');
  });

  it('asks for the token without echo on a terminal', async () => {
    const asked: string[] = [];
    const terminal: PromptIo = {
      interactive: true,
      ask: () => Promise.reject(new Error('no plain question expected')),
      askSecret: async (q) => {
        asked.push(q);
        return `  ${TG_TOKEN}  `;
      },
    };
    expect(await channelsAdd(['--channel', 'telegram'], env, paths, terminal)).toBe(0);
    expect(asked).toEqual(['Telegram bot token (input hidden): ']);
    expect((await doc()).channels.telegram!.botToken).toBe(TG_TOKEN);
  });

  it('adds WhatsApp accounts with an auth dir and points at login', async () => {
    expect(await run(['add', '--channel', 'whatsapp'])).toBe(0);
    expect(printed()).toContain('openclaw channels login --channel whatsapp');
    const authDir = path.join(dir, 'wa-work');
    expect(
      await run(['add', '--channel', 'whatsapp', '--account', 'work', '--auth-dir', authDir]),
    ).toBe(0);
    expect((await doc()).channels.whatsapp).toEqual({
      dmPolicy: 'pairing',
      accounts: { default: {}, work: { authDir } },
    });
  });
});

describe('openclaw channels remove / list / status without a gateway', () => {
  it('disables by default, deletes with --delete, and lists sources only', async () => {
    env.TELEGRAM_BOT_TOKEN = TG_TOKEN;
    await run(['add', '--channel', 'telegram', '--use-env']);
    await run(['add', '--channel', 'telegram', '--account', 'work', '--token', TG_TOKEN_2]);
    await run(['add', '--channel', 'discord', '--token', DC_TOKEN]);
    stdout.length = 0;
    expect(await run(['list', '--json'])).toBe(0);
    const listed = JSON.parse(stdout.join('')) as { accounts: Array<Record<string, unknown>> };
    expect(listed.accounts.map((a) => [a.channel, a.accountId, a.tokenSource])).toEqual([
      ['telegram', 'default', 'env TELEGRAM_BOT_TOKEN'],
      ['telegram', 'work', 'config'],
      ['discord', 'default', 'config'],
    ]);
    await expect(run(['remove', '--channel', 'telegram'])).rejects.toThrow(
      /several accounts \(default, work\); pass --account/,
    );
    stdout.length = 0;
    expect(await run(['remove', '--channel', 'telegram', '--account', 'work'])).toBe(0);
    expect(printed()).toContain(
      'Disabled Telegram account work (no gateway running); turn it on again with openclaw config set channels.telegram.accounts.work.enabled true',
    );
    expect((await doc()).channels.telegram!.accounts!.work).toEqual({
      botToken: TG_TOKEN_2,
      enabled: false,
    });
    expect(await run(['remove', '--channel', 'discord', '--delete'])).toBe(0);
    expect((await doc()).channels.discord).toBeUndefined();
    stdout.length = 0;
    expect(await run(['list', '--all'])).toBe(0);
    const text = stdout.join('');
    expect(text).toContain('Telegram work: token: config, dmPolicy pairing, disabled');
    expect(text).toContain('Discord: openclaw channels add --channel discord');
    expect(printed()).not.toMatch(/AAE-secret|AAF-other|discord-secret/);
    await expect(run(['remove', '--channel', 'discord'])).rejects.toThrow(
      /no Discord channel is configured/,
    );
  });

  it('status falls back to the config with a note when no gateway answers', async () => {
    await run(['add', '--channel', 'telegram', '--token', TG_TOKEN]);
    stdout.length = 0;
    expect(await run(['status'])).toBe(0);
    expect(stdout.join('')).toMatch(
      /Gateway not reachable at ws:\/\/127\.0\.0\.1:\d+; showing the config only/,
    );
    expect(stdout.join('')).toContain('Telegram default: token: config, dmPolicy pairing');
    stdout.length = 0;
    expect(await run(['status', '--json'])).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({
      source: 'config',
      accounts: [{ channel: 'telegram' }],
    });
  });

  it('logout without a gateway removes only a folder holding WhatsApp credentials', async () => {
    await run(['add', '--channel', 'whatsapp']);
    const authDir = path.join(dir, 'credentials', 'whatsapp', 'default');
    stdout.length = 0;
    expect(await run(['logout'])).toBe(0);
    expect(stdout.join('')).toContain('nothing to forget');
    await fs.mkdir(authDir, { recursive: true });
    await fs.writeFile(
      path.join(authDir, 'creds.json'),
      JSON.stringify({ me: { id: '1555:7@s.whatsapp.net' } }),
    );
    stdout.length = 0;
    expect(await run(['list'])).toBe(0);
    expect(stdout.join('')).toContain('WhatsApp default: linked');
    expect(await run(['logout', '--channel', 'whatsapp'])).toBe(0);
    expect(stdout.join('')).toContain('removed the WhatsApp credentials');
    await expect(fs.stat(authDir)).rejects.toThrow();
  });

  it('login adds the WhatsApp account when missing, then says the gateway is needed', async () => {
    await expect(run(['login'])).rejects.toThrow(
      /channels login needs the running gateway: cannot reach the gateway at ws:\/\/127\.0\.0\.1/,
    );
    expect(stdout.join('')).toContain('Added WhatsApp account default');
    expect((await doc()).channels.whatsapp).toEqual({ dmPolicy: 'pairing' });
    await expect(run(['login', '--account', 'work'])).rejects.toThrow(/needs the running gateway/);
    expect((await doc()).channels.whatsapp).toEqual({
      dmPolicy: 'pairing',
      accounts: { default: {}, work: {} },
    });
    // Without --account, login means the configured default account, not a new "default".
    await fs.writeFile(
      paths.configPath,
      JSON.stringify({
        channels: { whatsapp: { defaultAccount: 'work', accounts: { work: {} } } },
      }),
    );
    await expect(run(['login'])).rejects.toThrow(/needs the running gateway/);
    expect((await doc()).channels.whatsapp!.accounts).toEqual({ work: {} });
    await expect(run(['login', '--channel', 'telegram'])).rejects.toThrow(
      /bot token, not a QR code/,
    );
    const { pairing } = await import('./pairing.js');
    await expect(pairing(['list'], env, paths)).rejects.toThrow(
      /pairing needs the running gateway/,
    );
    await expect(pairing(['approve'], env, paths)).rejects.toThrow(/needs the code/);
  });

  it('--help after a command prints that command’s usage', async () => {
    expect(await run(['status', '--help'])).toBe(0);
    expect(stdout.join('')).toContain('Usage: openclaw channels status [--channel c] [--probe]');
    stdout.length = 0;
    expect(await channels(['add', '-h'], env, paths)).toBe(0);
    expect(stdout.join('')).toContain('--token <token> | --token-file <path> | --use-env');
  });

  it('qr-preview draws a QR without a gateway', async () => {
    expect(await run(['qr-preview', 'hello', 'world'])).toBe(0);
    const text = stdout.join('');
    expect(text).toMatch(/[█▀▄]/);
    expect(text).toContain('QR preview: 21x21 modules, 11 characters');
  });
});
