/**
 * Stale containers (image deleted from the engine) are found through the engine API, so `start`
 * handles them the same whatever compose runs: here the compose runner drives fake v1 and v2
 * binaries that behave as the real ones do with such a container — v1 stops at its question
 * (stderr recorded from docker-compose 1.29.2 on Docker 20.10, stdin closed), v2 recreates it
 * (modelled on compose v2's convergence, which recreates a container whose image id differs; no
 * v2 binary is available on this engine to record it).
 * The fake engine and the fake compose share one state file, so the fake compose sees exactly
 * what the engine holds when `up` runs. The real-engine run (v1) is
 * stack-manager.integration.test.ts.
 */
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ComposeCommand } from '../../../docker/engine/index.js';
import { StackManager } from './stack-manager.js';

interface EngineState {
  containers: { id: string; imageId: string; service: string; state: string }[];
  images: string[];
  log: string[];
}

// What docker-compose 1.29.2 printed on stderr on this engine (Docker 20.10) for `up -d` with the
// image of a stopped container deleted, stdin closed as the app's process runner does (recorded
// by stack-manager.integration.test.ts; project name and image id shortened). Its yes/no question
// then reads EOF, and it exits 1.
const GONE = 'sha256:f3b40795129ea569bd5e907a67b6b0b681274652f7b5205770d46b327d75fdc8';
const V1_REMOVED = [
  'Recreating wtimg_openclaw-gateway_1 ... ',
  'Recreating wtimg_openclaw-gateway_1 ... error',
  '',
  `ERROR: for wtimg_openclaw-gateway_1  no such image: ${GONE}: No such image: ${GONE}`,
  '',
  `ERROR: for openclaw-gateway  no such image: ${GONE}: No such image: ${GONE}`,
  "The image for the service you're trying to recreate has been removed. If you continue, volume data could be lost. Consider backing up your data before continuing.",
  '',
  `no such image: ${GONE}: No such image: ${GONE}`,
].join('\n');

/** A compose CLI stand-in: records argv, answers `up` like the given version would. */
const FAKE_COMPOSE = `
const fs = require('node:fs');
const file = process.env.FAKE_ENGINE_STATE;
const kind = process.env.FAKE_COMPOSE_KIND;
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
const sub = args.find((a) => ['up', 'ps', 'stop', 'restart'].includes(a));
const stale = state.containers.filter((c) => !state.images.includes(c.imageId));
state.log.push('compose ' + kind + ' ' + sub + ' stale=' + stale.length);
if (sub === 'up' && stale.length > 0 && kind === 'v1') {
  fs.writeFileSync(file, JSON.stringify(state));
  process.stderr.write(${JSON.stringify(V1_REMOVED)} + '\\n');
  process.exit(1);
}
if (sub === 'up') {
  // v2: recreate from the current image (and print what it did)
  for (const c of stale) process.stdout.write(' Container ' + c.id + '  Recreate\\n');
  state.containers = state.containers.filter((c) => !stale.includes(c)).concat(
    stale.length || !state.containers.some((c) => c.service === 'openclaw-gateway')
      ? [{ id: 'new-gateway', imageId: state.images[0], service: 'openclaw-gateway', state: 'running' }]
      : [],
  );
  state.containers.forEach((c) => (c.state = 'running'));
  process.stdout.write(' Container openclaw-gateway  Started\\n');
}
fs.writeFileSync(file, JSON.stringify(state));
`;

/** The parts of dockerode the stale check uses, over the shared state file. */
function fakeEngine(file: string): Dockerode {
  const read = (): EngineState => JSON.parse(readFileSync(file, 'utf8')) as EngineState;
  const write = (s: EngineState) => writeFileSync(file, JSON.stringify(s));
  const notFound = (what: string) =>
    Object.assign(new Error(`(HTTP code 404) no such ${what}`), {
      statusCode: 404,
      json: { message: `No such ${what}` },
    });
  return {
    listContainers: async () =>
      read().containers.map((c) => ({
        Id: c.id,
        Names: [`/wtimg-${c.service}-1`],
        Image: 'wtimg/gateway:local',
        ImageID: c.imageId,
        State: c.state,
        Labels: {
          'com.docker.compose.project': 'wtimg',
          'com.docker.compose.service': c.service,
        },
        Mounts: [
          {
            Type: 'volume',
            Name: 'wtimg_home',
            Source: '/var/lib/docker/volumes/wtimg_home/_data',
            Destination: '/home/node',
          },
          {
            Type: 'bind',
            Source: '/home/me/.openclaw',
            Destination: '/home/node/.openclaw',
          },
        ],
      })),
    getImage: (id: string) => ({
      inspect: async () => {
        if (!read().images.includes(id)) throw notFound('image');
        return { Id: id };
      },
    }),
    getContainer: (id: string) => ({
      remove: async (opts: { v?: boolean; force?: boolean }) => {
        const s = read();
        if (!s.containers.some((c) => c.id === id)) throw notFound('container');
        s.containers = s.containers.filter((c) => c.id !== id);
        s.log.push(`engine remove ${id} v=${String(opts.v)} force=${String(opts.force)}`);
        write(s);
      },
    }),
  } as unknown as Dockerode;
}

describe.each(['v1', 'v2'] as const)(
  'StackManager.start with a stale gateway (compose %s)',
  (kind) => {
    let dir: string;
    let stateFile: string;
    let stack: StackManager;
    let warnings: string[];

    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wtimg-stale-'));
      stateFile = path.join(dir, 'engine.json');
      const script = path.join(dir, 'fake-compose.cjs');
      await fs.writeFile(script, FAKE_COMPOSE);
      const stackDir = path.join(dir, 'stack');
      await fs.mkdir(stackDir);
      await fs.writeFile(
        path.join(stackDir, 'docker-compose.yml'),
        'services:\n  openclaw-gateway:\n    image: wtimg/gateway:local\n',
      );
      await fs.writeFile(path.join(stackDir, '.env'), 'COMPOSE_PROJECT_NAME=wtimg\n');
      const state: EngineState = {
        // The gateway was created from sha256:old; a rebuild tagged sha256:new and old was deleted.
        containers: [
          { id: 'gw-old', imageId: 'sha256:old', service: 'openclaw-gateway', state: 'exited' },
        ],
        images: ['sha256:new'],
        log: [],
      };
      writeFileSync(stateFile, JSON.stringify(state));
      const compose: ComposeCommand = {
        kind,
        command: [process.execPath, script],
        version: kind === 'v1' ? '1.29.2' : '2.29.7',
      };
      warnings = [];
      stack = new StackManager({
        stackDir,
        docker: fakeEngine(stateFile),
        env: { ...process.env, FAKE_ENGINE_STATE: stateFile, FAKE_COMPOSE_KIND: kind },
        bundleDir: dir,
        projectName: 'wtimg',
        compose,
        onWarning: (text) => warnings.push(text),
      });
    });

    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    const state = (): EngineState => JSON.parse(readFileSync(stateFile, 'utf8')) as EngineState;

    it('removes the stale container through the engine before `up`, keeping volumes, and starts', async () => {
      await stack.start();
      // Same engine-side detection and the same order for both versions: remove, then up.
      expect(state().log).toEqual([
        'engine remove gw-old v=false force=false',
        `compose ${kind} up stale=0`,
      ]);
      expect(state().containers.map((c) => [c.service, c.imageId, c.state])).toEqual([
        ['openclaw-gateway', 'sha256:new', 'running'],
      ]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('Only the container was removed');
      expect(warnings[0]).toContain('volume wtimg_home');
      expect(warnings[0]).toContain('folder /home/me/.openclaw');
    });

    it('leaves a healthy stack alone', async () => {
      const s = state();
      s.containers[0]!.imageId = 'sha256:new';
      writeFileSync(stateFile, JSON.stringify(s));
      await stack.start();
      expect(state().log).toEqual([`compose ${kind} up stale=0`]);
      expect(warnings).toEqual([]);
    });

    it('without the engine-side check, compose alone would decide (v1 stops at its question)', async () => {
      const project = await stack.project();
      const up = project.up({ services: ['openclaw-gateway'], noBuild: true });
      if (kind === 'v1') {
        await expect(up).rejects.toMatchObject({
          code: 'COMPOSE_FAILED',
          message: expect.stringContaining('trying to recreate has been removed'),
        });
      } else {
        await expect(up).resolves.toBeUndefined();
      }
      expect(state().log).toEqual([`compose ${kind} up stale=1`]);
    });
  },
);
