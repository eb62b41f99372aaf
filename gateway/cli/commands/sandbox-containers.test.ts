// `openclaw sandbox list/recreate` argument handling and the "cannot reach" errors; the
// real-engine flow is in gateway/sandbox/admin/sandbox-admin.integration.test.ts.
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { ErrorCode, isOpenClawError, type OpenClawError } from '../../infra/errors.js';
import { freePort } from '../../testing/free-port.js';
import { parseRecreateArgs, sandboxList, sandboxRecreate } from './sandbox-containers.js';
import { sandbox } from './sandbox.js';

let dir: string;
let paths: StatePaths;
let env: Record<string, string>;
let out: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-cli-sandbox-ctr-'));
  env = { OPENCLAW_STATE_DIR: path.join(dir, 'state'), OPENCLAW_HOME: dir };
  paths = resolveStatePaths(env);
  await fs.mkdir(paths.stateDir, { recursive: true });
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<OpenClawError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOpenClawError(err)).toBe(true);
  return err as OpenClawError;
}

const noTty = { interactive: false, ask: () => Promise.reject(new Error('must not ask')) };

describe('parseRecreateArgs', () => {
  it('takes exactly one target', () => {
    expect(parseRecreateArgs(['--all'])).toEqual({
      target: { all: true },
      force: false,
      browser: false,
    });
    expect(parseRecreateArgs(['--agent', 'work', '--force']).target).toEqual({ agentId: 'work' });
    expect(parseRecreateArgs(['--session', 'agent:main:x']).target).toEqual({
      sessionKey: 'agent:main:x',
    });
  });

  it.each([
    [[], /say which sandboxes to recreate: --all, --agent <id> or --session <key>/],
    [['--all', '--agent', 'x'], /give only one of --all, --agent and --session/],
    [['--session', ' '], /--session needs a session \(scope\) key/],
    [['--all', 'extra'], /unexpected argument "extra"/],
  ])('refuses %j with the usage', (argv, message) => {
    let err: OpenClawError | undefined;
    try {
      parseRecreateArgs(argv);
    } catch (e) {
      err = e as OpenClawError;
    }
    expect(err?.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toMatch(message);
    expect(err?.message).toContain('Usage: openclaw sandbox recreate --all | --agent <id>');
  });
});

describe('sandbox list/recreate', () => {
  it('names the commands when the subcommand is unknown', async () => {
    const err = await failure(sandbox(['ls'], env, paths));
    expect(err.message).toMatch(
      /unknown sandbox command "ls" \(available: list, recreate, explain\)/,
    );
  });

  it('refuses to remove without a terminal unless --force, before reaching anything', async () => {
    const err = await failure(sandboxRecreate(['--all'], env, paths, noTty));
    expect(err.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(err.message).toMatch(
      /no terminal to ask on\. Add --force to remove all sandbox containers/,
    );
  });

  it('reaches the containers for --browser too (here: a sandboxd that is not there)', async () => {
    const port = await freePort();
    const remote = {
      ...env,
      OPENCLAW_SANDBOXD_URL: `http://127.0.0.1:${port}`,
      OPENCLAW_SANDBOXD_SECRET: 'sandboxd-secret-abcdef0123456789',
    };
    for (const attempt of [
      sandboxList(['--browser'], remote, paths),
      sandboxRecreate(['--all', '--browser', '--force'], remote, paths, noTty),
    ]) {
      const err = await failure(attempt);
      expect(err.message).toContain(`127.0.0.1:${port}`);
      expect(err.message).not.toContain('sandboxd-secret-abcdef0123456789');
    }
    // Nothing was listed or removed on the way to the error.
    expect(out).toBe('');
  });

  it('needs the sandboxd URL and secret together', async () => {
    const err = await failure(
      sandboxList([], { ...env, OPENCLAW_SANDBOXD_URL: 'http://127.0.0.1:1' }, paths),
    );
    expect(err.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(err.message).toMatch(/only the URL is/);
  });

  it('says sandboxd is not reachable, at which address, without the secret', async () => {
    // A port nothing listens on: taken, then released.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const secret = 'sandboxd-secret-abcdef0123456789';
    const err = await failure(
      sandboxRecreate(
        ['--session', 'agent:main:x', '--force'],
        { ...env, OPENCLAW_SANDBOXD_URL: url, OPENCLAW_SANDBOXD_SECRET: secret },
        paths,
        noTty,
      ),
    );
    expect(err.message).toContain(`through sandboxd (${url})`);
    expect(err.message).toMatch(/sandboxd is not reachable/);
    expect(err.message).toMatch(/Sandboxing is off in this config/);
    expect(err.message).not.toContain(secret);
  });

  it('says when no Docker engine is reachable', async () => {
    const saved = process.env.DOCKER_HOST;
    const sock = path.join(dir, 'no-docker.sock');
    // A socket path that exists but accepts no connections is as dead as a missing engine.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    await new Promise<void>((r) => server.close(() => r()));
    process.env.DOCKER_HOST = `unix://${sock}`;
    try {
      const err = await failure(sandboxList(['--json'], env, paths));
      expect(err.code).toBe(ErrorCode.DOCKER_UNAVAILABLE);
      expect(err.message).toMatch(
        /No Docker engine is reachable .* OPENCLAW_SANDBOXD_URL is not set/,
      );
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
