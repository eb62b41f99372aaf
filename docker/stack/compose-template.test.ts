/**
 * The repository's docker-compose.yml (the template) checked for its security properties, and the
 * template + generated `.env` + generated extra file run through the real compose CLI (`config`)
 * when one is installed, in folders with spaces in their names.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stackEnvValues, upsertEnvFile } from './env-file.js';
import { writeExtraCompose } from './extra-compose.js';
import { parseSetupInputs } from './inputs.js';
import {
  composeFileArgs,
  composeFiles,
  DEFAULT_COMPOSE_TEMPLATE_PATH,
  prepareStackDir,
  seedHostDirs,
} from './stack-dir.js';

const TEMPLATE_TEXT = readFileSync(DEFAULT_COMPOSE_TEMPLATE_PATH, 'utf8');

interface Service {
  image: string;
  command?: string[];
  environment: Record<string, string>;
  volumes: Array<{ type: string; source: string; target: string; read_only?: boolean }>;
  ports?: string[];
  profiles?: string[];
  network_mode?: string;
  cap_drop?: string[];
  security_opt?: string[];
  init?: boolean;
  restart?: string;
  healthcheck?: { test: string[] };
  logging?: { driver: string; options: Record<string, string> };
  labels: Record<string, string>;
  depends_on?: string[];
  extra_hosts?: string[];
  privileged?: boolean;
  user?: string;
  stdin_open?: boolean;
  tty?: boolean;
}
interface ComposeDoc {
  services: Record<string, Service>;
  [key: string]: unknown;
}

describe('docker-compose.yml template', () => {
  const doc = parse(TEMPLATE_TEXT) as ComposeDoc;
  const gateway = doc.services['openclaw-gateway']!;
  const cli = doc.services['openclaw-cli']!;

  it('has no keys compose v1.29 rejects and no version/name pins', () => {
    expect(Object.keys(doc)).toEqual(['services']);
    expect(Object.keys(doc.services)).toEqual(['openclaw-gateway', 'openclaw-cli']);
  });

  it('publishes the gateway on loopback unless .env says otherwise; never mounts the Docker socket', () => {
    expect(gateway.ports).toEqual([
      '${OPENCLAW_GATEWAY_PUBLISH_ADDRESS:-127.0.0.1}:${OPENCLAW_GATEWAY_PORT:-18789}:18789',
    ]);
    expect(cli.ports).toBeUndefined();
    expect(TEMPLATE_TEXT).not.toMatch(
      /docker\.sock|privileged|cap_add|pid:\s*host|network_mode:\s*host/,
    );
    for (const s of [gateway, cli]) {
      expect(s.security_opt).toEqual(['no-new-privileges:true']);
      expect(s.user).toBeUndefined();
      expect(s.init).toBe(true);
      expect(s.labels['org.openclaw.desktop.stack']).toBe('1');
    }
  });

  it('runs the gateway with restart, healthcheck, bounded logs and the configured bind', () => {
    expect(gateway.image).toBe('${OPENCLAW_IMAGE:-openclaw:local}');
    expect(gateway.command).toEqual([
      'gateway',
      'run',
      '--allow-unconfigured',
      '--bind',
      '${OPENCLAW_GATEWAY_BIND:-lan}',
      '--port',
      '18789',
    ]);
    expect(gateway.restart).toBe('unless-stopped');
    expect(gateway.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:18789/healthz');
    // `$` in the probe would be interpolated by compose
    expect(gateway.healthcheck?.test.join(' ')).not.toContain('$');
    expect(gateway.logging).toEqual({
      driver: 'json-file',
      options: { 'max-size': '10m', 'max-file': '3' },
    });
  });

  it('lets the gateway reach services on this computer as host.docker.internal (a local Ollama)', () => {
    expect(gateway.extra_hosts).toEqual(['host.docker.internal:host-gateway']);
    // The CLI shares the gateway's network namespace; Docker refuses host mappings there.
    expect(cli.extra_hosts).toBeUndefined();
  });

  it('makes the CLI an opt-in profile sharing the gateway network, with fewer capabilities', () => {
    expect(cli.image).toBe(gateway.image);
    expect(cli.profiles).toEqual(['cli']);
    expect(cli.network_mode).toBe('service:openclaw-gateway');
    expect(cli.depends_on).toEqual(['openclaw-gateway']);
    expect(cli.cap_drop).toEqual(['NET_RAW', 'NET_ADMIN']);
    expect(cli.stdin_open).toBe(true);
    expect(cli.tty).toBe(true);
    expect(cli.restart).toBeUndefined();
    expect(cli.environment.OPENCLAW_GATEWAY_PUBLIC_PORT).toBe('${OPENCLAW_GATEWAY_PORT:-18789}');
  });

  it('passes the chat channels settings from .env or the shell to the gateway and the CLI', () => {
    for (const s of [gateway, cli]) {
      expect(s.environment).toMatchObject({
        TELEGRAM_BOT_TOKEN: '${TELEGRAM_BOT_TOKEN:-}',
        DISCORD_BOT_TOKEN: '${DISCORD_BOT_TOKEN:-}',
        DISCORD_API_URL: '${DISCORD_API_URL:-}',
        OPENCLAW_WHATSAPP_WEB_SOCKET_URL: '${OPENCLAW_WHATSAPP_WEB_SOCKET_URL:-}',
      });
    }
  });

  it('pins in-container paths and uses long-form binds for config and workspace', () => {
    for (const s of [gateway, cli]) {
      expect(s.environment).toMatchObject({
        HOME: '/home/node',
        OPENCLAW_HOME: '/home/node',
        OPENCLAW_STATE_DIR: '/home/node/.openclaw',
        OPENCLAW_CONFIG_PATH: '/home/node/.openclaw/openclaw.json',
        OPENCLAW_GATEWAY_TOKEN: '${OPENCLAW_GATEWAY_TOKEN:-}',
      });
      // host paths only as mount sources, never in the environment
      expect(JSON.stringify(s.environment)).not.toMatch(/CONFIG_DIR|WORKSPACE_DIR/);
      expect(s.volumes.map((v) => [v.type, v.target])).toEqual([
        ['bind', '/home/node/.openclaw'],
        ['bind', '/home/node/.openclaw/workspace'],
      ]);
      expect(s.volumes[0]!.source).toMatch(/^\$\{OPENCLAW_CONFIG_DIR:\?/);
      expect(s.volumes[1]!.source).toMatch(/^\$\{OPENCLAW_WORKSPACE_DIR:\?/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real compose CLIs: v1 (`docker-compose`) and v2 (`docker compose`), whichever are installed.

interface ComposeCli {
  name: string;
  command: string;
  prefix: string[];
}

function detect(): ComposeCli[] {
  const found: ComposeCli[] = [];
  const v1 = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  if (v1.status === 0)
    found.push({
      name: `docker-compose ${v1.stdout.trim()}`,
      command: 'docker-compose',
      prefix: [],
    });
  const v2 = spawnSync('docker', ['compose', 'version', '--short'], { encoding: 'utf8' });
  if (v2.status === 0)
    found.push({
      name: `docker compose ${v2.stdout.trim()}`,
      command: 'docker',
      prefix: ['compose'],
    });
  return found;
}

const CLIS = detect();
if (CLIS.length === 0)
  console.warn(
    'compose-template.test: no compose CLI installed; the real `config` checks are skipped',
  );

describe.skipIf(CLIS.length === 0)(
  'template + .env + extra file through the real compose CLI',
  () => {
    let root: string;
    let stack: string;
    const token = 'Tok3n-with.odd~chars+/=0123456789';

    beforeAll(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw compose check '));
      stack = path.join(root, 'stack dir');
      await prepareStackDir(stack);
      const result = parseSetupInputs(
        {
          OPENCLAW_CONFIG_DIR: path.join(root, 'my config'),
          OPENCLAW_WORKSPACE_DIR: path.join(root, 'my work space'),
          OPENCLAW_GATEWAY_PORT: '28789',
          OPENCLAW_GATEWAY_BIND: 'lan',
          OPENCLAW_HOME_VOLUME: 'openclaw-home',
          OPENCLAW_EXTRA_MOUNTS: `${path.join(root, 'data x')}:/data/x y:ro,C:\\Users\\Jane Doe\\Docs:/docs`,
          OPENCLAW_DOCKER_APT_PACKAGES: 'git jq',
        },
        { homeDir: '/home/nobody-here' },
      );
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      await seedHostDirs(result.value);
      await fs.mkdir(path.join(root, 'data x'));
      await upsertEnvFile(path.join(stack, '.env'), stackEnvValues(result.value, token));
      await writeExtraCompose(stack, result.value);
    });
    afterAll(async () => {
      await fs.rm(root, { recursive: true, force: true });
    });

    for (const cli of CLIS) {
      it(`${cli.name} accepts the files and reads every value exactly`, async () => {
        const files = await composeFiles(stack);
        expect(files).toHaveLength(2);
        const run = spawnSync(cli.command, [...cli.prefix, ...composeFileArgs(files), 'config'], {
          cwd: stack,
          encoding: 'utf8',
          // only the .env may feed interpolation
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DOCKER_HOST: process.env.DOCKER_HOST,
          },
        });
        expect(run.status, run.stderr).toBe(0);
        const doc = parse(run.stdout) as ComposeDoc;
        const gateway = doc.services['openclaw-gateway']!;
        expect(gateway.environment.OPENCLAW_GATEWAY_TOKEN).toBe(token);
        expect(JSON.stringify(gateway.ports)).toContain('28789');
        expect(JSON.stringify(gateway.ports)).toContain('127.0.0.1');
        for (const name of ['openclaw-gateway', 'openclaw-cli']) {
          const byTarget = new Map(doc.services[name]!.volumes.map((v) => [v.target, v]));
          expect(byTarget.size, name).toBe(5);
          expect(byTarget.get('/home/node')?.type).toBe('volume');
          expect(byTarget.get('/home/node/.openclaw')?.source).toBe(path.join(root, 'my config'));
          expect(byTarget.get('/home/node/.openclaw/workspace')?.source).toBe(
            path.join(root, 'my work space'),
          );
          expect(byTarget.get('/data/x y')).toMatchObject({
            source: path.join(root, 'data x'),
            read_only: true,
          });
          expect(byTarget.get('/docs')?.source).toContain('Jane Doe');
        }
        expect(Object.keys((doc.volumes as Record<string, unknown>) ?? {})).toContain(
          'openclaw-home',
        );
      });

      it(`${cli.name} publishes where OPENCLAW_GATEWAY_PUBLISH_ADDRESS in .env says`, async () => {
        const envFile = path.join(stack, '.env');
        const files = await composeFiles(stack);
        const ports = (): string => {
          const run = spawnSync(cli.command, [...cli.prefix, ...composeFileArgs(files), 'config'], {
            cwd: stack,
            encoding: 'utf8',
            env: { PATH: process.env.PATH, HOME: process.env.HOME },
          });
          expect(run.status, run.stderr).toBe(0);
          return JSON.stringify(
            (parse(run.stdout) as ComposeDoc).services['openclaw-gateway']!.ports,
          );
        };
        try {
          await upsertEnvFile(envFile, { OPENCLAW_GATEWAY_PUBLISH_ADDRESS: '0.0.0.0' });
          const open = ports();
          expect(open).toContain('0.0.0.0');
          expect(open).not.toContain('127.0.0.1');
        } finally {
          await upsertEnvFile(envFile, { OPENCLAW_GATEWAY_PUBLISH_ADDRESS: '127.0.0.1' });
        }
        expect(ports()).toContain('127.0.0.1');
      });
    }
  },
);
