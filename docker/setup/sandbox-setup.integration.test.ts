/**
 * `OPENCLAW_SANDBOX=1` setup on the REAL engine, then a re-run without it: the sandbox image is
 * built (under a private tag, from the local Debian base), openclaw-sandboxd runs with the Docker
 * socket while the gateway container — inspected, not just its compose file — has none, both get
 * the secret from `.env`, the config says non-main/agent/none; a second run keeps the secret; a
 * run without OPENCLAW_SANDBOX removes sandboxd, the overlay and the keys and sets the mode off.
 * Project, images and folders are private to the run and removed afterwards.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../gateway/testing/free-port.js';
import {
  createDockerClient,
  detectCompose,
  findStackContainers,
  imageExists,
  pingEngine,
} from '../engine/index.js';
import { BASE_IMAGE, cleanupRun, testRunId } from '../engine/integration-support.js';
import { readEnvFile } from '../stack/env-file.js';
import { prepareStackDir } from '../stack/stack-dir.js';
import { runSetup } from './run-setup.js';

const REPO = path.resolve(__dirname, '../..');
const BUNDLE = path.join(REPO, 'dist/gateway');
const NODE_BASE = 'openclaw-base/node:22-bookworm-slim';
const docker = createDockerClient({ env: process.env });

async function skipReason(): Promise<string | undefined> {
  try {
    const ping = await pingEngine(docker);
    if (!ping.ok) return 'no Docker engine';
    await detectCompose({ env: process.env });
    for (const image of [NODE_BASE, BASE_IMAGE])
      if (!(await imageExists(docker, image)))
        return `no ${image} image (run scripts/make-base-images.sh)`;
    if (!existsSync(path.join(BUNDLE, 'openclaw.mjs'))) return 'no gateway bundle (npm run build)';
    if (!existsSync('/var/run/docker.sock')) return 'no /var/run/docker.sock on this host';
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}
const skip = await skipReason();
const note = skip ? ` [SKIPPED: ${skip}]` : '';

const id = testRunId();
const project = `openclaw-it-${id}`;
const gatewayTag = `openclaw-setup-it:${id}`;
const sandboxTag = `openclaw-test/sandbox:${id}`;
let root = '';

afterAll(async () => {
  if (!skip) await cleanupRun(docker, id, [project], [gatewayTag, sandboxTag]);
  if (root) await fs.rm(root, { recursive: true, force: true });
}, 120_000);

interface Seen {
  mounts: string[];
  env: string[];
  ports: unknown;
  networks: string[];
}

async function services(): Promise<Record<string, Seen>> {
  const out: Record<string, Seen> = {};
  for (const c of (await findStackContainers(docker, project)).filter((x) => !x.oneOff)) {
    const info = await docker.getContainer(c.id).inspect();
    out[c.service] = {
      mounts: info.Mounts.map((m) => `${m.Source ?? ''} -> ${m.Destination}`),
      env: info.Config.Env ?? [],
      ports: info.HostConfig.PortBindings ?? {},
      networks: Object.keys(info.NetworkSettings.Networks ?? {}),
    };
  }
  return out;
}

describe(`OPENCLAW_SANDBOX setup on a real engine${note}`, () => {
  it.skipIf(skip !== undefined)(
    `adds sandboxd (the only holder of the socket) and removes it again${note}`,
    async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sandbox-setup-it-'));
      const stackDir = path.join(root, 'stack');
      await prepareStackDir(stackDir);
      const configDir = path.join(root, 'config');
      const base = {
        ...process.env,
        OPENCLAW_CONFIG_DIR: configDir,
        OPENCLAW_GATEWAY_PORT: String(await freePort()),
        OPENCLAW_NODE_IMAGE: NODE_BASE,
        OPENCLAW_BASE_IMAGE: BASE_IMAGE,
        OPENCLAW_GATEWAY_TOKEN: '',
        OPENCLAW_SANDBOX: '',
      };
      const setup = (env: Record<string, string | undefined>) =>
        runSetup({
          stackDir,
          env,
          bundleDir: BUNDLE,
          controlUiDir: null,
          projectName: project,
          buildTag: gatewayTag,
          sandboxImageTag: sandboxTag,
          healthTimeoutMs: 120_000,
        });
      const config = async () =>
        (
          JSON.parse(await fs.readFile(path.join(configDir, 'openclaw.json'), 'utf8')) as {
            agents?: { defaults?: { sandbox?: unknown } };
          }
        ).agents?.defaults?.sandbox;
      const socketMounts = (s: Seen | undefined) =>
        (s?.mounts ?? []).filter((m) => m.includes('docker.sock'));

      const on = await setup({ ...base, OPENCLAW_SANDBOX: '1' });
      expect(on.sandbox).toMatchObject({
        enabled: true,
        composeAction: 'written',
        configChange: 'enabled',
        image: sandboxTag,
      });
      expect(on.composeFiles.map((f) => path.basename(f))).toEqual([
        'docker-compose.yml',
        'docker-compose.sandbox.yml',
      ]);
      const running = await services();
      expect(Object.keys(running).sort()).toEqual(['openclaw-gateway', 'openclaw-sandboxd']);
      expect(socketMounts(running['openclaw-gateway'])).toEqual([]);
      expect(socketMounts(running['openclaw-sandboxd'])).toEqual([
        '/var/run/docker.sock -> /var/run/docker.sock',
      ]);
      expect(running['openclaw-sandboxd']!.ports).toEqual({});
      expect(running['openclaw-sandboxd']!.networks).toEqual(running['openclaw-gateway']!.networks);
      const secret = (await readEnvFile(path.join(stackDir, '.env'))).get(
        'OPENCLAW_SANDBOXD_SECRET',
      );
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(running['openclaw-gateway']!.env).toEqual(
        expect.arrayContaining([
          'OPENCLAW_SANDBOXD_URL=http://openclaw-sandboxd:18790',
          `OPENCLAW_SANDBOXD_SECRET=${secret}`,
        ]),
      );
      expect(running['openclaw-sandboxd']!.env).toContain(`OPENCLAW_SANDBOXD_SECRET=${secret}`);
      expect(await config()).toEqual({
        mode: 'non-main',
        scope: 'agent',
        workspaceAccess: 'none',
      });
      if (process.getuid?.() === 0) {
        // Written by root here: still readable by the container user.
        expect((await fs.stat(path.join(configDir, 'openclaw.json'))).uid).toBe(1000);
      }

      const again = await setup({ ...base, OPENCLAW_SANDBOX: 'yes' });
      expect(again.sandbox).toMatchObject({
        composeAction: 'unchanged',
        configChange: 'unchanged',
        imageRebuilt: false,
      });
      expect((await readEnvFile(path.join(stackDir, '.env'))).get('OPENCLAW_SANDBOXD_SECRET')).toBe(
        secret,
      );

      const off = await setup(base);
      expect(off.sandbox).toMatchObject({
        enabled: false,
        composeAction: 'removed',
        configChange: 'disabled',
      });
      expect(off.composeFiles.map((f) => path.basename(f))).toEqual(['docker-compose.yml']);
      const after = await services();
      expect(Object.keys(after)).toEqual(['openclaw-gateway']);
      expect(after['openclaw-gateway']!.env.some((e) => e.startsWith('OPENCLAW_SANDBOXD'))).toBe(
        false,
      );
      const env = await readEnvFile(path.join(stackDir, '.env'));
      expect(env.has('OPENCLAW_SANDBOX') || env.has('OPENCLAW_SANDBOXD_SECRET')).toBe(false);
      expect(await config()).toEqual({ mode: 'off', scope: 'agent', workspaceAccess: 'none' });
    },
    300_000,
  );
});
