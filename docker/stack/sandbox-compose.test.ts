/**
 * The agent sandbox overlay (docker-compose.sandbox.yml): what it adds, that the Docker socket
 * goes to sandboxd alone, the `.env` keys, and the whole stack (template + extra file + overlay)
 * through the real compose CLI when one is installed.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  parseEnvText,
  SANDBOX_ENV_KEYS,
  stackEnvValues,
  upsertEnvFile,
  upsertEnvText,
} from './env-file.js';
import { EXTRA_COMPOSE_MARKER, writeExtraCompose } from './extra-compose.js';
import { parseSetupInputs } from './inputs.js';
import {
  parseSandboxInputs,
  renderSandboxCompose,
  SANDBOX_COMPOSE_FILE,
  sandboxdSecret,
  sandboxEnabled,
  sandboxEnvValues,
  SANDBOXD_SERVICE,
  writeSandboxCompose,
} from './sandbox-compose.js';
import {
  composeFileArgs,
  composeFiles,
  composeFilesSync,
  prepareStackDir,
  seedHostDirs,
} from './stack-dir.js';

interface Volume {
  type: string;
  source: string;
  target: string;
}
interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: Volume[];
  ports?: unknown[];
  network_mode?: string;
  networks?: unknown;
  group_add?: string[];
  depends_on?: string[] | Record<string, unknown>;
  cap_drop?: string[];
  security_opt?: string[];
  privileged?: boolean;
  labels?: Record<string, string>;
  healthcheck?: { test: string[]; interval?: string };
}
interface ComposeDoc {
  services: Record<string, Service>;
}

const ON = { enabled: true, socket: '/var/run/docker.sock', socketGid: 998 };
const SOCKET_TARGET = '/var/run/docker.sock';
const mountsSocket = (s: Service | undefined): boolean =>
  (s?.volumes ?? []).some((v) => /docker\.sock/.test(`${v.source} ${v.target}`));

describe('sandbox inputs', () => {
  it('is on for 1/true/yes/on in any case, off for anything else', () => {
    for (const v of ['1', 'true', 'YES', ' on ']) expect(sandboxEnabled(v), v).toBe(true);
    for (const v of [undefined, '', '0', 'false', 'off', 'enabled'])
      expect(sandboxEnabled(v), String(v)).toBe(false);
  });

  it('takes the socket from OPENCLAW_DOCKER_SOCKET, else a unix DOCKER_HOST, else the default', () => {
    expect(parseSandboxInputs({ OPENCLAW_SANDBOX: '1' }).settings.socket).toBe(
      '/var/run/docker.sock',
    );
    expect(
      parseSandboxInputs({
        OPENCLAW_SANDBOX: '1',
        DOCKER_HOST: 'unix:///run/user/1000/docker.sock',
      }).settings.socket,
    ).toBe('/run/user/1000/docker.sock');
    expect(
      parseSandboxInputs({
        OPENCLAW_SANDBOX: '1',
        DOCKER_HOST: 'tcp://10.0.0.2:2376',
        OPENCLAW_DOCKER_SOCKET: '/srv/docker.sock',
      }).settings.socket,
    ).toBe('/srv/docker.sock');
  });

  it('refuses a socket path compose could misread, naming the variable', () => {
    for (const bad of ['relative/docker.sock', '/var/run/$HOME.sock', '/a"b.sock']) {
      const { problems } = parseSandboxInputs({
        OPENCLAW_SANDBOX: '1',
        OPENCLAW_DOCKER_SOCKET: bad,
      });
      expect(problems, bad).toHaveLength(1);
      expect(problems[0]).toContain('OPENCLAW_DOCKER_SOCKET');
    }
    // Not checked while sandboxing is off: it is not used.
    expect(
      parseSandboxInputs({ OPENCLAW_SANDBOX: '0', OPENCLAW_DOCKER_SOCKET: 'x' }).problems,
    ).toEqual([]);
  });
});

describe('renderSandboxCompose', () => {
  it('renders nothing when sandboxing is off', () => {
    expect(renderSandboxCompose({ ...ON, enabled: false })).toBeNull();
  });

  it('adds sandboxd with the socket; the gateway and the CLI get only its URL and the secret', () => {
    const text = renderSandboxCompose(ON)!;
    expect(text.split('\n')[0]).toBe(EXTRA_COMPOSE_MARKER);
    const doc = parse(text) as ComposeDoc;
    expect(Object.keys(doc.services)).toEqual([
      'openclaw-gateway',
      'openclaw-cli',
      SANDBOXD_SERVICE,
    ]);
    const sandboxd = doc.services[SANDBOXD_SERVICE]!;
    expect(sandboxd.command).toEqual(['sandboxd', '--port', '18790']);
    expect(sandboxd.image).toBe('${OPENCLAW_IMAGE:-openclaw:local}');
    expect(sandboxd.volumes).toContainEqual({
      type: 'bind',
      source: '/var/run/docker.sock',
      target: SOCKET_TARGET,
    });
    expect(sandboxd.volumes!.map((v) => v.target)).toEqual([
      '/home/node/.openclaw',
      '/home/node/.openclaw/workspace',
      SOCKET_TARGET,
    ]);
    expect(sandboxd.group_add).toEqual(['998']);
    // On the stack's default network only: no published port, no host network.
    expect(sandboxd.ports).toBeUndefined();
    expect(sandboxd.network_mode).toBeUndefined();
    expect(sandboxd.networks).toBeUndefined();
    expect(sandboxd.privileged).toBeUndefined();
    expect(sandboxd.cap_drop).toEqual(['ALL']);
    expect(sandboxd.security_opt).toEqual(['no-new-privileges:true']);
    expect(sandboxd.labels).toMatchObject({ 'org.openclaw.desktop.stack': '1' });
    // Probed inside the service on its own port; no `$`, which compose would interpolate.
    expect(sandboxd.healthcheck?.test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(sandboxd.healthcheck?.test[3]).toContain("fetch('http://127.0.0.1:18790/healthz'");
    expect(sandboxd.healthcheck?.test.join(' ')).not.toContain('$');
    expect(sandboxd.healthcheck?.interval).toBe('10s');
    for (const name of ['openclaw-gateway', 'openclaw-cli']) {
      const service = doc.services[name]!;
      expect(mountsSocket(service), name).toBe(false);
      expect(service.volumes, name).toBeUndefined();
      expect(service.environment?.OPENCLAW_SANDBOXD_URL).toBe('http://openclaw-sandboxd:18790');
      expect(service.environment?.OPENCLAW_SANDBOXD_SECRET).toMatch(
        /^\$\{OPENCLAW_SANDBOXD_SECRET:\?/,
      );
    }
    expect(doc.services['openclaw-gateway']!.depends_on).toEqual([SANDBOXD_SERVICE]);
  });

  it('leaves group_add out when the socket group is unknown (Docker Desktop)', () => {
    const doc = parse(renderSandboxCompose({ enabled: true, socket: '/var/run/docker.sock' })!);
    expect((doc as ComposeDoc).services[SANDBOXD_SERVICE]!.group_add).toBeUndefined();
  });
});

describe('sandbox .env keys', () => {
  it('reuses a well-formed secret and makes a new 32-byte one otherwise', () => {
    const kept = 'ab'.repeat(32);
    expect(sandboxdSecret(kept)).toEqual({ secret: kept, generated: false });
    for (const bad of [undefined, '', 'short', 'AB'.repeat(32)]) {
      const made = sandboxdSecret(bad);
      expect(made.generated).toBe(true);
      expect(made.secret).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(sandboxdSecret(undefined).secret).not.toBe(sandboxdSecret(undefined).secret);
  });

  it('upsert adds the keys, and a run with sandboxing off removes every copy of them', () => {
    const start = '# mine\nOPENCLAW_GATEWAY_PORT=18789\nOTHER=1\n';
    const on = upsertEnvText(start, sandboxEnvValues('cd'.repeat(32)));
    expect(parseEnvText(on).get('OPENCLAW_SANDBOXD_SECRET')).toBe('cd'.repeat(32));
    expect(parseEnvText(on).get('OPENCLAW_SANDBOX')).toBe('1');
    const doubled = `${on}OPENCLAW_SANDBOX=1\n`;
    const off = upsertEnvText(doubled, { OPENCLAW_GATEWAY_PORT: '18789' }, SANDBOX_ENV_KEYS);
    expect(off).toBe(start);
  });
});

describe('writeSandboxCompose and the compose file list', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sandbox-compose-'));
    await prepareStackDir(dir);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes, keeps, and removes the overlay; composeFiles follows it', async () => {
    const file = path.join(dir, SANDBOX_COMPOSE_FILE);
    expect(await writeSandboxCompose(dir, { ...ON, enabled: false })).toEqual({
      file,
      action: 'absent',
    });
    expect(await composeFiles(dir)).toEqual([path.join(dir, 'docker-compose.yml')]);
    expect((await writeSandboxCompose(dir, ON)).action).toBe('written');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o644);
    expect((await writeSandboxCompose(dir, ON)).action).toBe('unchanged');
    await fs.writeFile(path.join(dir, 'docker-compose.extra.yml'), `${EXTRA_COMPOSE_MARKER}\n`);
    const expected = [
      path.join(dir, 'docker-compose.yml'),
      path.join(dir, 'docker-compose.extra.yml'),
      file,
    ];
    expect(await composeFiles(dir)).toEqual(expected);
    expect(composeFilesSync(dir)).toEqual(expected);
    expect((await writeSandboxCompose(dir, { ...ON, enabled: false })).action).toBe('removed');
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await composeFiles(dir)).toEqual(expected.slice(0, 2));
  });

  it('never replaces or removes a file the user wrote', async () => {
    const file = path.join(dir, SANDBOX_COMPOSE_FILE);
    await fs.writeFile(file, 'services: {}\n');
    for (const settings of [ON, { ...ON, enabled: false }]) {
      await expect(writeSandboxCompose(dir, settings)).rejects.toMatchObject({
        code: 'STACK_FILE_CONFLICT',
      });
    }
    expect(await fs.readFile(file, 'utf8')).toBe('services: {}\n');
  });
});

function composeClis(): Array<{ name: string; command: string; prefix: string[] }> {
  const found: Array<{ name: string; command: string; prefix: string[] }> = [];
  if (spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).status === 0)
    found.push({ name: 'docker-compose', command: 'docker-compose', prefix: [] });
  if (spawnSync('docker', ['compose', 'version', '--short'], { encoding: 'utf8' }).status === 0)
    found.push({ name: 'docker compose', command: 'docker', prefix: ['compose'] });
  return found;
}
const CLIS = composeClis();

describe.skipIf(CLIS.length === 0)(
  `the generated stack through the real compose CLI${CLIS.length === 0 ? ' [SKIPPED: no compose CLI]' : ''}`,
  () => {
    for (const cli of CLIS) {
      it(`${cli.name}: only sandboxd has the Docker socket, with the home volume and extra mounts too`, async () => {
        const root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc sandbox stack '));
        try {
          const stack = path.join(root, 'stack');
          await prepareStackDir(stack);
          const parsed = parseSetupInputs(
            {
              OPENCLAW_CONFIG_DIR: path.join(root, 'config'),
              OPENCLAW_HOME_VOLUME: 'openclaw-home',
              OPENCLAW_EXTRA_MOUNTS: `${path.join(root, 'data')}:/data:ro`,
            },
            { homeDir: '/home/nobody-here' },
          );
          if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
          await seedHostDirs(parsed.value);
          const secret = 'ef'.repeat(32);
          await upsertEnvFile(path.join(stack, '.env'), {
            ...stackEnvValues(parsed.value, 'a-token-of-enough-length'),
            ...sandboxEnvValues(secret),
          });
          await writeExtraCompose(stack, parsed.value);
          await writeSandboxCompose(stack, ON);
          const files = await composeFiles(stack);
          expect(files).toHaveLength(3);
          const run = spawnSync(cli.command, [...cli.prefix, ...composeFileArgs(files), 'config'], {
            cwd: stack,
            encoding: 'utf8',
            env: { PATH: process.env.PATH, HOME: process.env.HOME },
          });
          expect(run.status, run.stderr).toBe(0);
          const doc = parse(run.stdout) as ComposeDoc;
          const withSocket = Object.entries(doc.services)
            .filter(([, s]) => mountsSocket(s))
            .map(([name]) => name);
          expect(withSocket).toEqual([SANDBOXD_SERVICE]);
          const gateway = doc.services['openclaw-gateway']!;
          expect(gateway.volumes!.length).toBe(4); // home, config, workspace, /data
          expect(gateway.environment?.OPENCLAW_SANDBOXD_SECRET).toBe(secret);
          expect(gateway.environment?.OPENCLAW_SANDBOXD_URL).toBe('http://openclaw-sandboxd:18790');
          const sandboxd = doc.services[SANDBOXD_SERVICE]!;
          expect(sandboxd.environment?.OPENCLAW_SANDBOXD_SECRET).toBe(secret);
          expect(sandboxd.environment?.OPENCLAW_SANDBOXD_HOST_STATE_DIR).toBe(
            path.join(root, 'config'),
          );
          expect(sandboxd.volumes!.find((v) => v.target === '/home/node/.openclaw')?.source).toBe(
            path.join(root, 'config'),
          );
          expect(sandboxd.ports ?? []).toEqual([]);
          expect(sandboxd.command).toEqual(['sandboxd', '--port', '18790']);
          expect(sandboxd.image).toBe('openclaw:local');
        } finally {
          await fs.rm(root, { recursive: true, force: true });
        }
      });
    }
  },
);
