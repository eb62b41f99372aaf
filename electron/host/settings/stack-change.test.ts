import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StackSettings } from '../../contract/host-api.js';
import { OpenClawError } from '../../../gateway/infra/errors.js';
import {
  beginChange,
  changeFailed,
  changeSucceeded,
  discardChange,
  recoverChange,
  runStackChange,
  stackChangeFile,
  StackChangeStore,
  type StackChange,
} from './stack-change.js';

const applied: StackSettings = {
  configDir: '/home/me/.openclaw',
  workspaceDir: '/home/me/.openclaw/workspace',
  gatewayPort: 18789,
  exposeOnLan: false,
  extraMounts: [],
  aptPackages: ['jq'],
  homeVolume: null,
};
const withRipgrep: StackSettings = { ...applied, aptPackages: ['jq', 'ripgrep'] };
const buildFailed = {
  code: 'IMAGE_BUILD_FAILED',
  message: 'The image build failed: apt-get could not find the package "ripgrepp".',
};

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stack-change-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('stack change transitions', () => {
  it('applied → applying → failed → retry → applied', () => {
    let s: StackChange = { state: 'applied' };
    s = beginChange(s, 'apply', withRipgrep, 1);
    expect(s).toEqual({ state: 'applying', kind: 'apply', desired: withRipgrep, startedAt: 1 });
    s = changeFailed(s, buildFailed, 2);
    expect(s).toEqual({
      state: 'failed',
      kind: 'apply',
      desired: withRipgrep,
      error: buildFailed,
      failedAt: 2,
    });
    s = beginChange(s, 'apply', withRipgrep, 3);
    expect(s.state).toBe('applying');
    expect(changeSucceeded(s)).toEqual({ state: 'applied' });
  });

  it('failed → discard → applied, and nothing can be discarded or begun while applying', () => {
    const failed = changeFailed(
      beginChange({ state: 'applied' }, 'apply', withRipgrep, 1),
      buildFailed,
      2,
    );
    expect(discardChange(failed)).toEqual({ state: 'applied' });
    const applying = beginChange(failed, 'apply', withRipgrep, 3);
    expect(() => discardChange(applying)).toThrow(
      expect.objectContaining({ code: 'APPLY_IN_PROGRESS' }),
    );
    expect(() => beginChange(applying, 'apply', applied, 4)).toThrow(
      expect.objectContaining({ code: 'APPLY_IN_PROGRESS' }),
    );
  });

  it('a new change replaces a failed one (only one change is ever pending)', () => {
    const failed = changeFailed(
      beginChange({ state: 'applied' }, 'apply', withRipgrep, 1),
      buildFailed,
      2,
    );
    const other = { ...applied, gatewayPort: 18790 };
    expect(beginChange(failed, 'apply', other, 3)).toMatchObject({ desired: other });
  });

  it('turns an apply that was under way at start-up into a failed one', () => {
    const applying = beginChange({ state: 'applied' }, 'setup', withRipgrep, 1);
    expect(recoverChange(applying, 9)).toMatchObject({
      state: 'failed',
      kind: 'setup',
      desired: withRipgrep,
      error: { code: 'APPLY_INTERRUPTED' },
      failedAt: 9,
    });
    expect(recoverChange({ state: 'applied' }, 9)).toEqual({ state: 'applied' });
  });
});

describe('StackChangeStore', () => {
  it('persists every state, and an app that stopped mid-apply finds the change failed', async () => {
    const seen: string[] = [];
    const { store } = await StackChangeStore.open(dataDir, {
      now: () => 100,
      onChange: (s) => seen.push(s.state),
    });
    expect(store.current).toEqual({ state: 'applied' });
    await store.begin('apply', withRipgrep);
    // The process dies here: nothing but the file survives.
    const onDisk = JSON.parse(await fs.readFile(stackChangeFile(dataDir), 'utf8')) as StackChange;
    expect(onDisk).toMatchObject({ state: 'applying', desired: withRipgrep });

    const restarted = await StackChangeStore.open(dataDir, { now: () => 200 });
    expect(restarted.store.current).toMatchObject({
      state: 'failed',
      desired: withRipgrep,
      error: { code: 'APPLY_INTERRUPTED' },
      failedAt: 200,
    });
    // Recovered once, on disk: a third start keeps the same failure (and its time).
    const again = await StackChangeStore.open(dataDir, { now: () => 300 });
    expect(again.store.current).toMatchObject({ state: 'failed', failedAt: 200 });

    await again.store.discard();
    expect((await StackChangeStore.open(dataDir)).store.current).toEqual({ state: 'applied' });
    expect(seen).toEqual(['applying']);
  });

  it('ignores a damaged file with a warning instead of failing the start', async () => {
    await fs.writeFile(stackChangeFile(dataDir), '{"state":"failed"}');
    const opened = await StackChangeStore.open(dataDir);
    expect(opened.store.current).toEqual({ state: 'applied' });
    expect(opened.warning).toMatch(/not hold a valid stack change/);
  });
});

describe('runStackChange', () => {
  it('records nothing as applied when the apply fails, and applies the pending change on retry', async () => {
    const { store } = await StackChangeStore.open(dataDir, { now: () => 5 });
    const commit = vi.fn(async () => {});
    const error = new OpenClawError('IMAGE_BUILD_FAILED', buildFailed.message);
    await expect(
      runStackChange(store, 'apply', withRipgrep, {
        apply: async () => {
          throw error;
        },
        commit,
      }),
    ).rejects.toBe(error);
    expect(commit).not.toHaveBeenCalled();
    expect(store.current).toEqual({
      state: 'failed',
      kind: 'apply',
      desired: withRipgrep,
      error: buildFailed,
      failedAt: 5,
    });

    // Retry: the pending desired settings, applied this time.
    const pending = store.current.state === 'failed' ? store.current.desired : applied;
    const apply = vi.fn(async (d: StackSettings) => d.aptPackages.join(' '));
    await expect(runStackChange(store, 'apply', pending, { apply, commit })).resolves.toBe(
      'jq ripgrep',
    );
    expect(apply).toHaveBeenCalledWith(withRipgrep);
    expect(commit).toHaveBeenCalledWith(withRipgrep);
    expect(store.current).toEqual({ state: 'applied' });
  });

  it('keeps the change pending when recording it as applied fails', async () => {
    const { store } = await StackChangeStore.open(dataDir);
    await expect(
      runStackChange(store, 'apply', withRipgrep, {
        apply: async () => 'ok',
        commit: async () => {
          throw new OpenClawError('STATE_WRITE_FAILED', 'disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(store.current).toMatchObject({ state: 'failed', error: { code: 'STATE_WRITE_FAILED' } });
  });

  it('refuses a second apply while one runs, without touching the first', async () => {
    const { store } = await StackChangeStore.open(dataDir);
    let finish!: () => void;
    const first = runStackChange(store, 'apply', withRipgrep, {
      apply: () => new Promise<void>((resolve) => (finish = resolve)),
      commit: async () => {},
    });
    await vi.waitFor(() => expect(store.current.state).toBe('applying'));
    await expect(
      runStackChange(store, 'apply', applied, { apply: async () => {}, commit: async () => {} }),
    ).rejects.toMatchObject({ code: 'APPLY_IN_PROGRESS' });
    expect(store.current).toMatchObject({ state: 'applying', desired: withRipgrep });
    finish();
    await first;
    expect(store.current).toEqual({ state: 'applied' });
  });
});
