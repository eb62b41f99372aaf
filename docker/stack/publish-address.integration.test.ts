// The compose template's published address against the REAL Docker engine: with
// OPENCLAW_GATEWAY_PUBLISH_ADDRESS=0.0.0.0 in `.env` the gateway port is bound on every host
// interface (and answers on this machine's own LAN address), with the default 127.0.0.1 it is
// bound on loopback only (and the LAN address is refused). The real template and the real `.env`
// writer are used; a test-only override file swaps the gateway for a tiny HTTP server so no
// OpenClaw image is needed. Unique project (wtlan-<id>), removed afterwards even on failure.
import crypto from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCompose, type ComposeCommand } from '../engine/compose-detect.js';
import { ComposeProject } from '../engine/compose-cli.js';
import { createDockerClient, pingEngine } from '../engine/docker-client.js';
import { imageExists } from '../engine/images.js';
import { cleanupRun } from '../engine/integration-support.js';
import { freePort } from '../../gateway/testing/free-port.js';
import { stackEnvValues, upsertEnvFile, withoutManagedEnv } from './env-file.js';
import { parseSetupInputs } from './inputs.js';
import { lanIPv4Addresses } from './publish-address.js';
import { prepareStackDir, seedHostDirs } from './stack-dir.js';

const NODE_IMAGE = 'openclaw-base/node:22-bookworm-slim';
const docker = createDockerClient();
const ready =
  (await pingEngine(docker)).ok && (await imageExists(docker, NODE_IMAGE).catch(() => false));
const compose: ComposeCommand | undefined = ready
  ? await detectCompose().catch(() => undefined)
  : undefined;
const runId = crypto.randomBytes(4).toString('hex');
const project = `wtlan-${runId}`;
// Free on every interface: the test publishes on 0.0.0.0 too.
const port = await freePort('0.0.0.0');
// The LAN address is only this engine's when the engine runs on this machine (no tcp:// DOCKER_HOST).
const localEngine = !process.env.DOCKER_HOST || process.env.DOCKER_HOST.startsWith('unix://');
const lanIp = localEngine ? lanIPv4Addresses(os.networkInterfaces())[0] : undefined;
const skip = !ready || !compose;
const note = skip ? ` [SKIPPED: no engine, compose or ${NODE_IMAGE}]` : '';

// The gateway service of the real template, with a one-line HTTP server instead of the gateway.
const OVERRIDE = `services:
  openclaw-gateway:
    entrypoint: ["node", "-e", "require('http').createServer((q, r) => r.end('wtlan-ok')).listen(18789)"]
    command: []
`;

let root = '';
let stackDir = '';

async function upWith(publishAddress: string | undefined): Promise<ComposeProject> {
  const parsed = parseSetupInputs(
    {
      OPENCLAW_CONFIG_DIR: path.join(root, 'config'),
      OPENCLAW_WORKSPACE_DIR: path.join(root, 'config', 'workspace'),
      OPENCLAW_GATEWAY_PORT: String(port),
      OPENCLAW_GATEWAY_PUBLISH_ADDRESS: publishAddress,
      OPENCLAW_IMAGE: NODE_IMAGE,
    },
    { homeDir: root },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await seedHostDirs(parsed.value);
  await upsertEnvFile(path.join(stackDir, '.env'), {
    ...stackEnvValues(parsed.value, 'x'.repeat(32)),
    COMPOSE_PROJECT_NAME: project,
  });
  const p = new ComposeProject({
    compose: compose!,
    projectDir: stackDir,
    files: ['docker-compose.yml', 'override.yml'],
    projectName: project,
    env: withoutManagedEnv(process.env),
    docker,
  });
  await p.up({ services: ['openclaw-gateway'], detach: true, noBuild: true });
  return p;
}

async function hostBinding(): Promise<{ HostIp: string; HostPort: string }[]> {
  const [c] = await docker.listContainers({
    filters: { label: [`com.docker.compose.project=${project}`] },
  });
  if (!c) throw new Error('gateway container not running');
  const info = await docker.getContainer(c.Id).inspect();
  return (info.NetworkSettings.Ports['18789/tcp'] ?? []) as { HostIp: string; HostPort: string }[];
}

async function get(host: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(2000) });
      return await res.text();
    } catch (err) {
      if (i >= 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function refused(host: string): Promise<boolean> {
  try {
    await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'wtlan publish '));
  stackDir = path.join(root, 'stack');
  await prepareStackDir(stackDir);
  await fs.writeFile(path.join(stackDir, 'override.yml'), OVERRIDE);
});

afterAll(async () => {
  if (ready) await cleanupRun(docker, runId, [project]);
  await fs.rm(root, { recursive: true, force: true });
}, 60_000);

describe.skipIf(skip)(`published address on the real engine${note}`, () => {
  it('exposure on: bound on 0.0.0.0 and reachable on this machine’s LAN address', async () => {
    await upWith('0.0.0.0');
    const bindings = await hostBinding();
    expect(bindings.map((b) => b.HostIp)).toContain('0.0.0.0');
    expect(bindings.every((b) => b.HostPort === String(port))).toBe(true);
    expect(await get('127.0.0.1')).toBe('wtlan-ok');
    if (lanIp) expect(await get(lanIp)).toBe('wtlan-ok');
  }, 90_000);

  it('exposure off (default): recreated on 127.0.0.1 only; the LAN address is refused', async () => {
    await upWith(undefined);
    const bindings = await hostBinding();
    expect(bindings).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    expect(await get('127.0.0.1')).toBe('wtlan-ok');
    if (lanIp) expect(await refused(lanIp)).toBe(true);
  }, 90_000);
});
