// The run's tool factory without an engine: sessions the config does not sandbox get the
// workspace tools (with `process`), and a half-configured sandboxd (URL without secret, or the
// reverse) stops a sandboxed run with a message that names both variables and no value.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/config-types.js';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { ErrorCode } from '../../infra/errors.js';
import { silentLogger } from '../../infra/logger.js';
import { ProcessRegistry } from '../../tools/index.js';
import { createRunTools } from './run-tools.js';

let dir: string;
let paths: StatePaths;
const processes = new ProcessRegistry();

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-run-tools-'));
  paths = resolveStatePaths({ OPENCLAW_STATE_DIR: dir, OPENCLAW_HOME: dir });
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function factory(config: OpenClawConfig, env: Record<string, string> = {}) {
  return createRunTools({
    config: () => ({ config }),
    env,
    paths,
    logger: silentLogger,
    processes,
  });
}

const run = (sessionKey: string) => ({
  agentId: 'main',
  sessionKey,
  workspace: path.join(dir, 'workspace'),
});

describe('createRunTools', () => {
  it('gives an unsandboxed session the workspace tools, process included', async () => {
    const toolsFor = factory({ tools: { profile: 'coding' } } as OpenClawConfig);
    const { tools, workspaceShown } = await toolsFor(run('agent:main:x'));
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['exec', 'process', 'write']));
    expect(workspaceShown).toBeUndefined();
  });

  it('leaves the main session on the gateway with mode non-main', async () => {
    const toolsFor = factory(
      { agents: { defaults: { sandbox: { mode: 'non-main' } } } } as OpenClawConfig,
      { OPENCLAW_SANDBOXD_URL: 'http://127.0.0.1:9' },
    );
    const { tools } = await toolsFor(run('agent:main:main'));
    expect(tools.map((t) => t.name)).toContain('exec');
  });

  it('refuses a sandboxed run when only one of the sandboxd variables is set', async () => {
    const config = { agents: { defaults: { sandbox: { mode: 'all' } } } } as OpenClawConfig;
    for (const env of <Record<string, string>[]>[
      { OPENCLAW_SANDBOXD_URL: 'http://127.0.0.1:9' },
      { OPENCLAW_SANDBOXD_SECRET: 'only-the-secret-value' },
    ]) {
      const err = await factory(config, env)(run('agent:main:x')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.CONFIG_INVALID });
      expect(String((err as Error).message)).toMatch(
        /OPENCLAW_SANDBOXD_URL and OPENCLAW_SANDBOXD_SECRET must be set together/,
      );
      expect(String((err as Error).message)).not.toContain('only-the-secret-value');
    }
  });
});
