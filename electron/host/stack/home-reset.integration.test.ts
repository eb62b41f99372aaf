/**
 * The home volume reset against the real engine and compose: a file written under /home/node is
 * gone afterwards, the volume exists again (compose recreated it), and the gateway runs again
 * only if it ran before. The stack is a stand-in (the base image sleeping) under its own project.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ComposeProject,
  detectCompose,
  findStackContainers,
  type ComposeCommand,
} from '../../../docker/engine/index.js';
import {
  BASE_IMAGE,
  TEST_LABEL,
  cleanupRun,
  engineFixture,
} from '../../../docker/engine/integration-support.js';
import { runProcess } from '../../../docker/engine/process-runner.js';
import { resetHomeVolume } from './home-reset.js';

const { docker, ready, skipNote, runId } = await engineFixture();
const projectName = `wtset-${runId}`;
let workDir = '';
let project: ComposeProject;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'home-reset-it-'));
  if (!ready) return;
  await fs.writeFile(
    path.join(workDir, 'docker-compose.yml'),
    `services:
  openclaw-gateway:
    image: ${BASE_IMAGE}
    command: ["sh", "-c", "exec sleep 300"]
    init: true
    labels:
      ${TEST_LABEL}: "${runId}"
    volumes:
      - type: "volume"
        source: "home"
        target: "/home/node"
volumes:
  "home":
    labels:
      ${TEST_LABEL}: "${runId}"
`,
  );
  const compose: ComposeCommand = await detectCompose();
  project = new ComposeProject({
    compose,
    projectDir: workDir,
    files: [path.join(workDir, 'docker-compose.yml')],
    projectName,
    docker,
  });
}, 60_000);

afterAll(async () => {
  if (ready) await cleanupRun(docker, runId, [projectName]);
  await fs.rm(workDir, { recursive: true, force: true });
}, 60_000);

async function gateway(): Promise<{ id: string; state: string } | undefined> {
  const all = await findStackContainers(docker, projectName);
  return all.find((c) => c.service === 'openclaw-gateway' && !c.oneOff);
}

const deps = () => ({ docker, projectName, project: async () => project });

describe.skipIf(!ready)(`home volume reset against the engine${skipNote}`, () => {
  it('empties /home/node, recreates the volume and starts the gateway again', async () => {
    await project.up({ services: ['openclaw-gateway'], detach: true });
    const before = await gateway();
    expect(before?.state).toBe('running');
    const wrote = await runProcess('docker', [
      'exec',
      before!.id,
      'sh',
      '-c',
      'echo cache > /home/node/marker',
    ]);
    expect(wrote.code).toBe(0);

    await expect(resetHomeVolume(deps(), { volume: 'home', wasRunning: true })).resolves.toEqual({
      removed: true,
      restarted: true,
    });

    const after = await gateway();
    expect(after?.state).toBe('running');
    expect(after?.id).not.toBe(before?.id);
    const check = await runProcess('docker', [
      'exec',
      after!.id,
      'test',
      '-e',
      '/home/node/marker',
    ]);
    expect(check.code).toBe(1);
    const volumes = await docker.listVolumes({
      filters: { label: [`com.docker.compose.project=${projectName}`] },
    });
    expect((volumes.Volumes ?? []).map((v) => v.Name)).toEqual([`${projectName}_home`]);
  }, 120_000);

  it('leaves a stopped gateway stopped (container and volume created, not started)', async () => {
    await project.stop({ services: ['openclaw-gateway'] });
    await expect(resetHomeVolume(deps(), { volume: 'home', wasRunning: false })).resolves.toEqual({
      removed: true,
      restarted: false,
    });
    expect((await gateway())?.state).toBe('created');
  }, 120_000);
});
