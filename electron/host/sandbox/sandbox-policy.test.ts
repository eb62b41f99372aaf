import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../../../gateway/config/paths.js';
import { isOpenClawError } from '../../../gateway/infra/errors.js';
import { SandboxPolicyStore, SandboxSectionStore } from './sandbox-policy.js';

let root = '';
let store: SandboxPolicyStore;
const config = () => path.join(root, 'state', 'openclaw.json');

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sbx-policy-'));
  await fs.mkdir(path.join(root, 'state'));
  await fs.mkdir(path.join(root, 'stack'));
  store = new SandboxPolicyStore({
    statePaths: () => resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(root, 'state') }),
    stackDir: () => path.join(root, 'stack'),
  });
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

describe('SandboxPolicyStore', () => {
  it('reads off without a config, and on once setup wrote the overlay', async () => {
    expect(await store.view()).toMatchObject({
      enabled: false,
      mode: 'off',
      scope: 'agent',
      workspaceAccess: 'none',
      image: 'openclaw-sandbox:bookworm-slim',
      baseHash: null,
    });
    await fs.writeFile(path.join(root, 'stack', 'docker-compose.sandbox.yml'), 'services: {}\n');
    expect((await store.view()).enabled).toBe(true);
  });

  it('writes only the three keys, keeps the rest, and refuses a stale hash', async () => {
    await fs.writeFile(
      config(),
      JSON.stringify({
        agents: {
          defaults: {
            sandbox: { mode: 'non-main', docker: { image: 'my-sbx:1', memory: '1g' } },
          },
        },
      }),
    );
    const before = await store.view();
    expect(before).toMatchObject({ mode: 'non-main', image: 'my-sbx:1' });
    const after = await store.save(
      { mode: 'all', scope: 'session', workspaceAccess: 'ro' },
      before.baseHash,
    );
    expect(after).toMatchObject({ mode: 'all', scope: 'session', workspaceAccess: 'ro' });
    const written = JSON.parse(await fs.readFile(config(), 'utf8'));
    expect(written.agents.defaults.sandbox).toEqual({
      mode: 'all',
      scope: 'session',
      workspaceAccess: 'ro',
      docker: { image: 'my-sbx:1', memory: '1g' },
    });
    // The form still holds the first hash: the file moved on since, so the save is refused.
    const err = await store
      .save({ mode: 'non-main', scope: 'agent', workspaceAccess: 'rw' }, before.baseHash)
      .catch((e: unknown) => e);
    expect(isOpenClawError(err) && err.code).toBe('CONFIG_CONFLICT');
    expect(JSON.parse(await fs.readFile(config(), 'utf8')).agents.defaults.sandbox.mode).toBe(
      'all',
    );
  });
});

describe('SandboxSectionStore', () => {
  const section = () =>
    new SandboxSectionStore(() =>
      resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(root, 'state') }),
    );
  const read = async () => JSON.parse(await fs.readFile(config(), 'utf8'));

  it('writes the image, reads the image kind back, and puts an absent section back as absent', async () => {
    await fs.writeFile(config(), JSON.stringify({ agents: { defaults: { model: 'a/b' } } }));
    const store2 = section();
    const saved = await store2.section();
    expect(saved).toEqual({ section: undefined });
    expect(await store2.currentPolicy()).toBeUndefined();
    await store2.writeImage('openclaw-sandbox-common:bookworm-slim');
    expect((await read()).agents.defaults.sandbox).toEqual({
      docker: { image: 'openclaw-sandbox-common:bookworm-slim' },
    });
    expect(await store.view()).toMatchObject({
      image: 'openclaw-sandbox-common:bookworm-slim',
      imageKind: 'common',
    });
    await store2.restoreSection(saved);
    expect(await read()).toEqual({ agents: { defaults: { model: 'a/b' } } });
  });

  it('puts a section back exactly, and reads the policy in effect', async () => {
    const sandbox = { mode: 'all', scope: 'shared', docker: { image: 'my/sbx:1', memory: '1g' } };
    await fs.writeFile(config(), JSON.stringify({ agents: { defaults: { sandbox } } }));
    const store2 = section();
    const saved = await store2.section();
    expect(await store2.currentPolicy()).toEqual({
      mode: 'all',
      scope: 'shared',
      workspaceAccess: 'none',
    });
    expect((await store.view()).imageKind).toBe('custom');
    await store2.writeImage('other:2');
    await store2.restoreSection(saved);
    expect((await read()).agents.defaults.sandbox).toEqual(sandbox);
  });
});
