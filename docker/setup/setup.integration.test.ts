/**
 * The whole Docker flow on the real engine: setup with an extra mount whose path has a space, a
 * named home volume and `jq` baked in; pairing through `compose run --rm openclaw-cli`; re-runs;
 * refused injections; down/up persistence. Resources carry a unique compose project name and are
 * removed afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GatewayClient, type GatewayClientOptions } from '@openclaw/gateway-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../gateway/testing/free-port.js';
import { resolveStatePaths } from '../../gateway/config/paths.js';
import { createGatewayClientHostDeps } from '../../gateway/pairing/client-identity-store.js';
import {
  createDockerClient,
  detectCompose,
  imageExists,
  pingEngine,
  removeImage,
  type ComposeCommand,
} from '../engine/index.js';
import { testRunId } from '../engine/integration-support.js';
import { runSetup, type SetupResult } from './run-setup.js';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
const BUNDLE = path.join(REPO, 'dist/gateway');
const NODE_BASE = 'openclaw-base/node:22-bookworm-slim';

async function engineReady(): Promise<string | undefined> {
  try {
    const docker = createDockerClient({ env: process.env });
    await pingEngine(docker);
    await detectCompose({ env: process.env });
    if (
      !(await imageExists(docker, NODE_BASE)) &&
      !(await imageExists(docker, 'node:22-bookworm-slim'))
    ) {
      return 'no Node 22 base image (run scripts/make-base-images.sh)';
    }
    if (!existsSync(path.join(BUNDLE, 'openclaw.mjs')))
      return 'no gateway bundle (run npm run build)';
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

const skipReason = await engineReady();
if (skipReason) console.warn(`SKIPPED docker setup integration: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(
  `docker setup on a real engine${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    const id = testRunId();
    const project = `openclaw-it-${id}`;
    // A private tag: openclaw:local belongs to the user (and to no other test file).
    const imageTag = `openclaw-setup-it:${id}`;
    let root: string;
    let stackDir: string;
    let port: number;
    let env: Record<string, string>;
    let compose: ComposeCommand;
    let first: SetupResult;

    const composeArgs = async () => {
      const files = ['docker-compose.yml'];
      if (existsSync(path.join(stackDir, 'docker-compose.extra.yml')))
        files.push('docker-compose.extra.yml');
      return [...compose.command.slice(1), '-p', project, ...files.flatMap((f) => ['-f', f])];
    };
    const dc = async (args: string[]) =>
      run(compose.command[0]!, [...(await composeArgs()), ...args], {
        cwd: stackDir,
        timeout: 120_000,
      });

    const setup = (extra: Record<string, string> = {}) =>
      runSetup({
        stackDir,
        env: { ...process.env, ...env, ...extra },
        bundleDir: BUNDLE,
        projectName: project,
        buildTag: imageTag,
        healthTimeoutMs: 120_000,
      });

    beforeAll(async () => {
      compose = await detectCompose({ env: process.env });
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw it '));
      stackDir = path.join(root, 'stack');
      await fs.mkdir(path.join(root, 'shared data'), { recursive: true });
      await fs.writeFile(path.join(root, 'shared data', 'hello.txt'), 'hello from the host\n');
      await fs.mkdir(stackDir);
      await fs.copyFile(
        path.join(REPO, 'docker-compose.yml'),
        path.join(stackDir, 'docker-compose.yml'),
      );
      port = await freePort();
      env = {
        OPENCLAW_CONFIG_DIR: path.join(root, 'config'),
        OPENCLAW_WORKSPACE_DIR: path.join(root, 'workspace'),
        OPENCLAW_GATEWAY_PORT: String(port),
        OPENCLAW_EXTRA_MOUNTS: `${path.join(root, 'shared data')}:/data/shared data:ro`,
        OPENCLAW_HOME_VOLUME: `${project}-home`,
        OPENCLAW_DOCKER_APT_PACKAGES: 'jq',
        OPENCLAW_NODE_IMAGE: NODE_BASE,
        OPENCLAW_GATEWAY_TOKEN: '',
      };
      first = await setup();
    }, 600_000);

    afterAll(async () => {
      if (!stackDir) return;
      await dc(['--profile', 'cli', 'down', '-v', '--remove-orphans']).catch(() => {});
      await run('docker', [
        'volume',
        'rm',
        '-f',
        `${project}-home`,
        `${project}_${project}-home`,
      ]).catch(() => {});
      await removeImage(createDockerClient({ env: process.env }), imageTag, { force: true }).catch(
        () => false,
      );
      await fs.rm(root, { recursive: true, force: true });
    }, 120_000);

    function connect(
      options: Partial<GatewayClientOptions>,
    ): Promise<{ client: GatewayClient; hello: Record<string, unknown> }> {
      return new Promise((resolve, reject) => {
        const client = new GatewayClient({
          url: `ws://127.0.0.1:${port}`,
          requestTimeoutMs: 10_000,
          hostDeps: { logDebug: () => {}, logError: () => {} },
          ...options,
          onHelloOk: (hello) =>
            resolve({ client, hello: hello as unknown as Record<string, unknown> }),
          onConnectError: (err) => {
            reject(err);
            client.stop();
          },
        });
        client.start();
      });
    }

    const browser = () => {
      const paths = resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(root, 'browser-identity') });
      return {
        origin: `http://127.0.0.1:${port}`,
        clientName: 'gateway-client' as const,
        mode: 'backend' as const,
        scopes: ['operator.read'],
        hostDeps: { ...createGatewayClientHostDeps(paths), logDebug: () => {}, logError: () => {} },
      };
    };

    it('comes up healthy with jq baked in, the spaced mount visible and the port on 127.0.0.1 only', async () => {
      expect(first.tokenSource).toBe('generated');
      expect(first.extraComposeAction).toBe('written');
      const { stdout } = await dc([
        'exec',
        '-T',
        'openclaw-gateway',
        'sh',
        '-c',
        'jq --version && cat "/data/shared data/hello.txt" && id -u',
      ]);
      expect(stdout).toContain('jq-');
      expect(stdout).toContain('hello from the host');
      expect(stdout.trim().endsWith('1000')).toBe(true);

      const live = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(live.status).toBe(200);
      const other = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (other) {
        await expect(
          fetch(`http://${other}:${port}/healthz`, { signal: AbortSignal.timeout(3000) }),
        ).rejects.toThrow();
      }
      const health = await dc([
        'exec',
        '-T',
        'openclaw-gateway',
        'node',
        '/app/gateway/openclaw.mjs',
        'health',
        '--token',
        first.token,
      ]);
      expect(health.stdout).toContain('healthy');
    });

    it('pairs a browser-style client through `compose run --rm openclaw-cli devices approve`', async () => {
      const token = await connect({ token: first.token, scopes: ['operator.read'] });
      expect(token.hello.protocol).toBe(4);
      await token.client.stopAndWait();

      const refused = await connect({ ...browser(), token: first.token }).catch(
        (e: { details?: Record<string, unknown> }) => e,
      );
      const details = (refused as { details?: Record<string, unknown> }).details;
      expect(details?.code).toBe('PAIRING_REQUIRED');
      const requestId = String(details?.requestId);

      const approved = await dc([
        'run',
        '--rm',
        '-T',
        'openclaw-cli',
        'devices',
        'approve',
        requestId,
      ]);
      expect(approved.stdout).toContain('Approved');

      const paired = await connect({ ...browser(), token: first.token });
      expect((paired.hello.auth as { deviceToken?: string }).deviceToken).toBeTruthy();
      await paired.client.stopAndWait();

      const listed = await dc(['run', '--rm', '-T', 'openclaw-cli', 'devices', 'list', '--json']);
      const list = JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))) as {
        paired: Array<{ clientId?: string }>;
      };
      expect(list.paired.some((d) => d.clientId === 'gateway-client')).toBe(true);
    }, 120_000);

    it('re-runs idempotently: same token, device still paired; removing extras removes the extra file', async () => {
      const again = await setup();
      expect(again.token).toBe(first.token);
      expect(again.imageRebuilt).toBe(false);
      const paired = await connect({ ...browser() });
      await paired.client.stopAndWait();

      const plain = await setup({
        OPENCLAW_EXTRA_MOUNTS: '',
        OPENCLAW_HOME_VOLUME: '',
        OPENCLAW_DOCKER_APT_PACKAGES: 'jq',
      });
      expect(plain.extraComposeAction).toBe('removed');
      expect(existsSync(path.join(stackDir, 'docker-compose.extra.yml'))).toBe(false);
      expect(plain.token).toBe(first.token);
    }, 300_000);

    it('refuses injected mounts with a clear error and writes nothing', async () => {
      const envFile = path.join(stackDir, '.env');
      const before = await fs.readFile(envFile, 'utf8');
      for (const hostile of [
        '/a:/b,/etc:/x',
        '/x:/y\n  privileged: true',
        `$(touch ${root}/pwned):/x`,
      ]) {
        await expect(setup({ OPENCLAW_EXTRA_MOUNTS: hostile })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
      }
      expect(await fs.readFile(envFile, 'utf8')).toBe(before);
      expect(existsSync(path.join(root, 'pwned'))).toBe(false);
    });

    it('keeps config and pairing across compose down and up', async () => {
      await dc(['down']);
      await dc(['up', '-d', 'openclaw-gateway']);
      await expect
        .poll(
          async () =>
            (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status,
          { timeout: 60_000, interval: 500 },
        )
        .toBe(200);
      const paired = await connect({ ...browser() });
      expect(paired.hello.protocol).toBe(4);
      await paired.client.stopAndWait();
      const config = await fs.readFile(path.join(root, 'config', 'openclaw.json'), 'utf8');
      expect(config).toContain('"mode": "local"');
    }, 120_000);
  },
);
