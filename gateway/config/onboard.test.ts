import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSON5 from 'json5';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../infra/errors.js';
import { writeConfigRaw } from './config-store.js';
import { applyLocalOnboarding } from './onboard.js';
import { resolveStatePaths, type StatePaths } from './paths.js';

let dir: string;
let paths: StatePaths;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-onboard-'));
  paths = resolveStatePaths({ OPENCLAW_HOME: dir });
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function readDoc(): Promise<Record<string, Record<string, unknown>>> {
  return JSON5.parse(await fs.readFile(paths.configPath, 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
}

describe('applyLocalOnboarding', () => {
  it('writes a local token config, seeds the workspace and agent dirs, and is idempotent', async () => {
    const first = await applyLocalOnboarding(paths, {
      env: {},
      version: '2026.9.1',
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    expect(first.generatedToken).toBe(true);
    const doc = await readDoc();
    expect(doc.gateway).toMatchObject({
      mode: 'local',
      port: 18789,
      bind: 'loopback',
      auth: { mode: 'token', token: expect.stringMatching(/^[0-9a-f]{64}$/) },
      controlUi: { allowedOrigins: ['http://localhost:18789', 'http://127.0.0.1:18789'] },
    });
    expect(doc.agents).toEqual({ defaults: { workspace: paths.workspaceDir } });
    expect(doc.tools).toEqual({ profile: 'coding' });
    expect(doc.wizard).toEqual({
      lastRunAt: '2026-01-01T00:00:00.000Z',
      lastRunVersion: '2026.9.1',
      lastRunCommand: 'onboard',
      lastRunMode: 'local',
    });
    expect(first.snapshot.valid).toBe(true);

    const seeded = (await fs.readdir(paths.workspaceDir)).sort();
    expect(seeded).toEqual([
      'AGENTS.md',
      'BOOTSTRAP.md',
      'HEARTBEAT.md',
      'IDENTITY.md',
      'SOUL.md',
      'TOOLS.md',
      'USER.md',
    ]);
    expect(
      await fs.readFile(path.join(paths.agentsDir, 'main', 'sessions', 'sessions.json'), 'utf8'),
    ).toBe('{}\n');
    expect((await fs.stat(path.join(paths.agentsDir, 'main', 'agent'))).isDirectory()).toBe(true);
    // The token never appears in what the CLI prints.
    const token = (doc.gateway?.auth as { token: string }).token;
    expect(JSON.stringify(first.changes)).not.toContain(token);
    expect(first.changes.map((c) => c.target)).toContain('gateway.auth.token');

    // The user edits a bootstrap file; a second run must neither overwrite it nor change config.
    await fs.writeFile(path.join(paths.workspaceDir, 'USER.md'), 'mine');
    const second = await applyLocalOnboarding(paths, {
      env: {},
      version: '2026.9.1',
      now: () => new Date('2026-02-02T00:00:00Z'),
    });
    expect(second.changes).toEqual([]);
    expect(second.generatedToken).toBe(false);
    const after = await readDoc();
    expect(after.wizard?.lastRunAt).toBe('2026-02-02T00:00:00.000Z');
    expect({ ...after, wizard: { ...after.wizard, lastRunAt: 'x' } }).toEqual({
      ...doc,
      wizard: { ...doc.wizard, lastRunAt: 'x' },
    });
    expect(await fs.readFile(path.join(paths.workspaceDir, 'USER.md'), 'utf8')).toBe('mine');
  });

  it('stores a SecretRef for --gateway-token-ref-env and merges existing origins and settings', async () => {
    await writeConfigRaw(
      paths,
      JSON.stringify({
        gateway: { bind: 'lan', controlUi: { allowedOrigins: ['https://claw.example.com'] } },
        tools: { profile: 'full' },
      }),
      { env: {} },
    );
    const result = await applyLocalOnboarding(paths, {
      env: {},
      port: 19000,
      gatewayTokenRefEnv: 'OPENCLAW_GATEWAY_TOKEN',
    });
    const doc = await readDoc();
    expect(doc.gateway).toMatchObject({
      port: 19000,
      bind: 'lan',
      auth: {
        mode: 'token',
        token: { source: 'env', provider: 'default', id: 'OPENCLAW_GATEWAY_TOKEN' },
      },
      controlUi: {
        allowedOrigins: [
          'https://claw.example.com',
          'http://localhost:19000',
          'http://127.0.0.1:19000',
        ],
      },
    });
    expect(doc.tools).toEqual({ profile: 'full' });
    expect(result.warnings[0]).toMatch(/OPENCLAW_GATEWAY_TOKEN is not set/);
    expect(result.generatedToken).toBe(false);
  });

  it('does not re-seed BOOTSTRAP.md into a workspace that is already in use', async () => {
    await fs.mkdir(paths.workspaceDir, { recursive: true });
    await fs.writeFile(path.join(paths.workspaceDir, 'SOUL.md'), 'existing soul');
    await applyLocalOnboarding(paths, { env: {}, gatewayToken: 'literal-token' });
    const names = await fs.readdir(paths.workspaceDir);
    expect(names).not.toContain('BOOTSTRAP.md');
    expect(names).toContain('AGENTS.md');
    expect(await fs.readFile(path.join(paths.workspaceDir, 'SOUL.md'), 'utf8')).toBe(
      'existing soul',
    );
    expect(((await readDoc()).gateway?.auth as { token: unknown }).token).toBe('literal-token');
  });

  it('rejects bad options before writing anything', async () => {
    for (const opts of [
      { port: 0 },
      { bind: '0.0.0.0' as never },
      { gatewayToken: 'a', gatewayTokenRefEnv: 'B' },
      { gatewayTokenRefEnv: 'lower' },
    ]) {
      let caught: unknown;
      try {
        await applyLocalOnboarding(paths, { env: {}, ...opts });
      } catch (err) {
        caught = err;
      }
      expect(isOpenClawError(caught, 'INVALID_ARGUMENT'), JSON.stringify(opts)).toBe(true);
    }
    await expect(fs.access(paths.configPath)).rejects.toThrow();
  });
});
