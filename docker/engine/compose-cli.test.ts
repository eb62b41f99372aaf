// ComposeProject and detectCompose against fake `docker` / `docker-compose` executables on a
// private PATH: real processes, so argv building, output capture, exit codes and the v2 JSON ps
// path are tested as they run, without Compose v2 installed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import {
  ComposeProject,
  detectCompose,
  parseComposeVersion,
  type ComposeCommand,
} from './compose-cli.js';

const posix = process.platform !== 'win32';
let root = '';

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-compose-cli-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A bin dir holding shell-script fakes (builtins only: PATH holds nothing else). */
async function binDir(name: string, scripts: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  for (const [file, body] of Object.entries(scripts)) {
    await fs.writeFile(path.join(dir, file), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

describe('parseComposeVersion', () => {
  it('reads v1 and v2 banners', () => {
    expect(
      parseComposeVersion('docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3'),
    ).toEqual({ kind: 'v1', version: '1.29.2' });
    expect(parseComposeVersion('Docker Compose version v2.29.7')).toEqual({
      kind: 'v2',
      version: '2.29.7',
    });
    expect(parseComposeVersion('Docker Compose version 2.40.0-desktop.1')).toEqual({
      kind: 'v2',
      version: '2.40.0-desktop.1',
    });
    expect(parseComposeVersion("docker: 'compose' is not a docker command.")).toBeUndefined();
  });
});

describe.skipIf(!posix)('detectCompose', () => {
  it('prefers the v2 plugin', async () => {
    const dir = await binDir('plugin', {
      docker:
        'if [ "$1" = compose ] && [ "$2" = version ]; then echo "Docker Compose version v2.29.7"; exit 0; fi; exit 1',
      'docker-compose': 'echo "docker-compose version 1.29.2, build unknown"',
    });
    expect(await detectCompose({ env: { PATH: dir } })).toEqual({
      kind: 'v2',
      command: ['docker', 'compose'],
      version: '2.29.7',
    });
  });

  it('falls back to standalone docker-compose, v1 or v2', async () => {
    const v1 = await binDir('v1', {
      docker: 'echo "docker: unknown command: docker compose" >&2; exit 1',
      'docker-compose': 'echo "docker-compose version 1.29.2, build unknown"',
    });
    expect(await detectCompose({ env: { PATH: v1 } })).toEqual({
      kind: 'v1',
      command: ['docker-compose'],
      version: '1.29.2',
    });
    const v2 = await binDir('v2-standalone', {
      'docker-compose': 'echo "Docker Compose version v2.20.2"',
    });
    expect(await detectCompose({ env: { PATH: v2 } })).toEqual({
      kind: 'v2',
      command: ['docker-compose'],
      version: '2.20.2',
    });
  });

  it('throws COMPOSE_MISSING with install steps for both kinds, and for a too-old v1', async () => {
    const empty = await binDir('empty', {});
    const missing = await detectCompose({ env: { PATH: empty } }).catch((err: unknown) => err);
    expect(isOpenClawError(missing, 'COMPOSE_MISSING')).toBe(true);
    expect((missing as Error).message).toMatch(/docker-compose-plugin/);
    expect((missing as Error).message).toMatch(/apt-get install docker-compose/);

    const old = await binDir('old', {
      'docker-compose': 'echo "docker-compose version 1.25.0, build 0a186604"',
    });
    const tooOld = await detectCompose({ env: { PATH: old } }).catch((err: unknown) => err);
    expect(isOpenClawError(tooOld, 'COMPOSE_MISSING')).toBe(true);
    expect((tooOld as Error).message).toContain('1.25.0');
  });
});

// Records its argv (one arg per line, then "--") and answers like Compose v2 would.
const FAKE_V2 = `
for a in "$@"; do printf '%s\\n' "$a" >> "$FAKE_LOG"; done
printf -- '--\\n' >> "$FAKE_LOG"
for a in "$@"; do
  case "$a" in
    ps) printf '%s\\n' '{"ID":"0123456789ab","Name":"p-gw-1","Service":"gw","State":"running","Health":"healthy","ExitCode":0}' '{"ID":"ba9876543210","Name":"p-old-1","Service":"old","State":"exited","Health":"","ExitCode":1}'; exit 0;;
    up) if [ -n "$FAKE_FAIL" ]; then i=1; while [ $i -le 20 ]; do echo "noise $i" >&2; i=$((i+1)); done; echo "Error response from daemon: port is already allocated" >&2; exit 1; fi; echo "Container p-gw-1 Started" >&2; exit 0;;
    run) echo "one-off says hi"; echo "TOKEN_FROM_ENV=$OC_TEST_SECRET"; exit 3;;
    config) printf 'gw\\nold\\n'; exit 0;;
  esac
done
exit 0`;

describe.skipIf(!posix)('ComposeProject (fake compose v2)', () => {
  const compose: ComposeCommand = { kind: 'v2', command: ['docker', 'compose'], version: '2.29.7' };
  let log = '';
  let projectDir = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    const dir = await binDir('fake-v2', { docker: FAKE_V2 });
    projectDir = path.join(root, 'stack dir with spaces');
    await fs.mkdir(projectDir, { recursive: true });
    log = path.join(root, 'argv.log');
    env = { PATH: dir, FAKE_LOG: log };
  });

  async function calls(): Promise<string[][]> {
    const text = await fs.readFile(log, 'utf8').catch(() => '');
    await fs.rm(log, { force: true });
    return text
      .split('--\n')
      .filter((chunk) => chunk.length > 0)
      .map((chunk) => chunk.replace(/\n$/, '').split('\n'));
  }

  function project(extraEnv: NodeJS.ProcessEnv = {}): ComposeProject {
    return new ComposeProject({
      compose,
      projectDir,
      files: ['docker-compose.yml', 'docker-compose.extra.yml'],
      projectName: 'openclaw',
      env: { ...env, ...extraEnv },
    });
  }

  it('always passes -p, --project-directory and every -f, as absolute paths', async () => {
    await project().up({ services: ['gw'], forceRecreate: true, noBuild: true });
    expect(await calls()).toEqual([
      [
        'compose',
        '-p',
        'openclaw',
        '--project-directory',
        projectDir,
        '-f',
        path.join(projectDir, 'docker-compose.yml'),
        '-f',
        path.join(projectDir, 'docker-compose.extra.yml'),
        'up',
        '-d',
        '--force-recreate',
        '--no-build',
        'gw',
      ],
    ]);
  });

  it('parses v2 ps JSON, keeping only live containers unless all is asked', async () => {
    const p = project();
    expect(await p.ps()).toEqual([
      {
        id: '0123456789ab',
        name: 'p-gw-1',
        service: 'gw',
        state: 'running',
        health: 'healthy',
        exitCode: 0,
      },
    ]);
    expect((await p.ps({ all: true })).map((e) => e.service)).toEqual(['gw', 'old']);
    const argv = await calls();
    expect(argv[0]?.slice(-3)).toEqual(['ps', '--format', 'json']);
    expect(argv[1]?.slice(-4)).toEqual(['ps', '--format', 'json', '-a']);
  });

  it('runs one-offs with -T and returns the command exit code instead of throwing', async () => {
    const lines: string[] = [];
    const result = await project({ OC_TEST_SECRET: 's3cret-value' }).run(
      'gw',
      ['devices', 'list'],
      {
        noDeps: true,
        user: 'root',
        entrypoint: 'node',
        env: { LANG: 'C.UTF-8' },
        passEnv: ['OC_TEST_SECRET'],
        onLine: (line) => lines.push(line),
      },
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('one-off says hi');
    // The secret reached the (fake) compose through its environment, not its argv.
    expect(result.stdout).toContain('TOKEN_FROM_ENV=s3cret-value');
    expect(lines).toContain('one-off says hi');
    const [argv] = await calls();
    expect(argv?.slice(argv.indexOf('run'))).toEqual([
      'run',
      '--rm',
      '-T',
      '--no-deps',
      '--user=root',
      '--entrypoint=node',
      '-e',
      'LANG=C.UTF-8',
      '-e',
      'OC_TEST_SECRET',
      'gw',
      'devices',
      'list',
    ]);
    expect(argv?.join(' ')).not.toContain('s3cret-value');
  });

  it('turns a failing command into COMPOSE_FAILED carrying the last stderr lines', async () => {
    const err = await project({ FAKE_FAIL: '1' })
      .up()
      .catch((e: unknown) => e);
    expect(isOpenClawError(err, 'COMPOSE_FAILED')).toBe(true);
    const message = (err as Error).message;
    expect(message).toContain('port is already allocated');
    expect(message).toContain('exit 1');
    expect(message).not.toContain('noise 5\n'); // only the tail, not the whole log
    await calls();
  });

  it('lists services through config and passes down/stop/restart flags', async () => {
    const p = project();
    expect(await p.config()).toEqual({ services: ['gw', 'old'] });
    await p.down({ volumes: false, removeOrphans: true, timeoutSeconds: 5 });
    await p.stop({ services: ['gw'], timeoutSeconds: 0 });
    await p.restart({ services: ['gw'] });
    await p.exec('gw', ['node', '-v'], { user: 'node', workdir: '/app' });
    const tails = (await calls()).map((argv) =>
      argv.slice(argv.indexOf(path.join(projectDir, 'docker-compose.extra.yml')) + 1),
    );
    expect(tails).toEqual([
      ['config', '--services'],
      ['down', '--remove-orphans', '-t', '5'],
      ['stop', '-t', '0', 'gw'],
      ['restart', 'gw'],
      ['exec', '-T', '--user=node', '--workdir=/app', 'gw', 'node', '-v'],
    ]);
  });

  it('rejects bad project names and environment names before running anything', async () => {
    expect(
      () => new ComposeProject({ compose, projectDir, files: ['a.yml'], projectName: 'Open Claw' }),
    ).toThrow(/project name/);
    expect(() => new ComposeProject({ compose, projectDir, files: [], projectName: 'x' })).toThrow(
      /compose file/,
    );
    await expect(project().run('--privileged', [])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(project().up({ services: ['-d'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(project().run('gw', [], { env: { 'BAD NAME': 'x' } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('reports COMPOSE_MISSING when the binary has vanished', async () => {
    const gone = new ComposeProject({
      compose,
      projectDir,
      files: ['a.yml'],
      projectName: 'x',
      env: { PATH: path.join(root, 'no-such-dir') },
    });
    await expect(gone.up()).rejects.toMatchObject({ code: 'COMPOSE_MISSING' });
  });
});
