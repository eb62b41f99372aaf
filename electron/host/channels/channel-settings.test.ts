import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../../../gateway/config/paths.js';
import { ChannelSettings, checkTokenShape } from './channel-settings.js';

const TELEGRAM = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const DISCORD = `${'M'.repeat(26)}.${'G'.repeat(6)}.${'x'.repeat(38)}`;

describe('ChannelSettings (the Channels page writes openclaw.json)', () => {
  let dir: string;
  let settings: ChannelSettings;
  const configPath = () => path.join(dir, 'openclaw.json');
  const file = async () => JSON.parse(await fs.readFile(configPath(), 'utf8'));

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'channel-settings-'));
    await fs.writeFile(configPath(), JSON.stringify({ gateway: { port: 18789 } }), { mode: 0o600 });
    settings = new ChannelSettings(() => resolveStatePaths({ OPENCLAW_STATE_DIR: dir }));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('adds a Telegram token and reports it only as set', async () => {
    const before = await settings.read();
    expect(before.channels.find((c) => c.channel === 'telegram')).toMatchObject({
      inConfig: false,
      tokenSet: false,
      dmPolicy: 'pairing',
    });
    await settings.save({ channel: 'telegram', baseHash: before.baseHash, token: ` ${TELEGRAM} ` });
    expect((await file()).channels.telegram).toEqual({ botToken: TELEGRAM });
    expect((await file()).gateway).toEqual({ port: 18789 });
    const after = await settings.read();
    expect(after.channels.find((c) => c.channel === 'telegram')).toEqual({
      channel: 'telegram',
      inConfig: true,
      enabled: true,
      tokenSet: true,
      dmPolicy: 'pairing',
      allowFrom: [],
    });
    expect(JSON.stringify(after)).not.toContain(TELEGRAM.split(':')[1]);
  });

  it('writes Discord under `token`, and on/off as `enabled`', async () => {
    const { baseHash } = await settings.read();
    await settings.save({ channel: 'discord', baseHash, token: DISCORD });
    await settings.save({
      channel: 'discord',
      baseHash: (await settings.read()).baseHash,
      enabled: false,
    });
    expect((await file()).channels.discord).toEqual({ token: DISCORD, enabled: false });
  });

  it('refuses a malformed token and an edit made meanwhile, and changes nothing', async () => {
    const { baseHash } = await settings.read();
    await expect(
      settings.save({ channel: 'telegram', baseHash, token: 'not-a-token' }),
    ).rejects.toThrow(/@BotFather/);
    await fs.writeFile(configPath(), JSON.stringify({ gateway: { port: 18790 } }));
    await expect(
      settings.save({ channel: 'telegram', baseHash, token: TELEGRAM }),
    ).rejects.toMatchObject({ code: 'CONFIG_CONFLICT' });
    expect((await file()).channels).toBeUndefined();
  });

  it('dmPolicy: open adds "*", allowlist needs someone, pairing drops "*"', async () => {
    const save = async (extra: object) =>
      settings.save({ channel: 'telegram', baseHash: (await settings.read()).baseHash, ...extra });
    await save({ token: TELEGRAM, dmPolicy: 'open' });
    expect((await file()).channels.telegram).toMatchObject({ dmPolicy: 'open', allowFrom: ['*'] });
    await expect(save({ dmPolicy: 'allowlist', allowFrom: [] })).rejects.toThrow(/nobody/);
    await save({ dmPolicy: 'allowlist', allowFrom: ['12345', ' 678 '] });
    expect((await file()).channels.telegram).toMatchObject({
      dmPolicy: 'allowlist',
      allowFrom: ['12345', '678'],
    });
    await save({ dmPolicy: 'pairing' });
    expect((await file()).channels.telegram).toMatchObject({
      dmPolicy: 'pairing',
      allowFrom: ['12345', '678'],
    });
  });

  it('token shapes', () => {
    expect(checkTokenShape('telegram', TELEGRAM)).toBeUndefined();
    expect(checkTokenShape('telegram', '12345:short')).toMatch(/BotFather/);
    expect(checkTokenShape('discord', DISCORD)).toBeUndefined();
    expect(checkTokenShape('discord', 'abc')).toMatch(/Developer Portal/);
  });
});
