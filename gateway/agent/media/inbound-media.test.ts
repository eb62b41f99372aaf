import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../../config/paths.js';
import { activeWorkspaceDir } from '../run/run-tools.js';
import { inboundMediaNote, stageInboundMedia } from './inbound-media.js';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-media-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('stageInboundMedia', () => {
  it('saves files under media/inbound named by content; the same bytes twice make one file', async () => {
    const workspace = path.join(dir, 'ws');
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const staged = await stageInboundMedia(workspace, [
      { data: png.toString('base64'), mimeType: 'image/png' },
      { data: png, mimeType: 'image/png' },
      { data: Buffer.from('%PDF-1.7'), mimeType: 'application/x-unknown' },
    ]);
    expect(staged[0]!.relativePath).toMatch(/^media\/inbound\/[0-9a-f]{16}\.png$/);
    expect(staged[1]!.relativePath).toBe(staged[0]!.relativePath);
    expect(staged[2]!.relativePath).toMatch(/\.bin$/);
    expect(await fs.readdir(path.join(workspace, 'media', 'inbound'))).toHaveLength(2);
    const saved = await fs.readFile(path.join(workspace, staged[0]!.relativePath));
    expect(saved.equals(png)).toBe(true);
    expect(inboundMediaNote(staged, '/workspace')).toContain(
      `- ${staged[0]!.relativePath} (image/png, 10 bytes)`,
    );
    expect(inboundMediaNote([], '/workspace')).toBe('');
  });

  it('refuses a planted media symlink that leads out of the workspace and writes nothing there', async () => {
    const workspace = path.join(dir, 'ws');
    const outside = path.join(dir, 'outside');
    await fs.mkdir(workspace, { recursive: true });
    await fs.mkdir(outside);
    await fs.symlink(outside, path.join(workspace, 'media'));
    await expect(
      stageInboundMedia(workspace, [{ data: Buffer.from('x'), mimeType: 'text/plain' }]),
    ).rejects.toThrow(/outside the workspace/);
    expect(await fs.readdir(outside)).toEqual([]);
  });
});

describe('activeWorkspaceDir', () => {
  it('is the sandbox folder for a sandboxed session and the agent workspace otherwise', () => {
    const paths = resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(dir, 'state'), HOME: dir });
    const config = { agents: { defaults: { sandbox: { mode: 'non-main' as const } } } };
    const deps = { config: () => ({ config }), paths };
    const workspace = path.join(dir, 'agent-ws');
    const main = activeWorkspaceDir(deps, {
      agentId: 'main',
      sessionKey: 'agent:main:main',
      workspace,
    });
    expect(main).toBe(workspace);
    const other = activeWorkspaceDir(deps, {
      agentId: 'main',
      sessionKey: 'agent:main:telegram-dm',
      workspace,
    });
    expect(other).not.toBe(workspace);
    expect(other.startsWith(path.join(dir, 'state', 'sandboxes'))).toBe(true);
  });
});
