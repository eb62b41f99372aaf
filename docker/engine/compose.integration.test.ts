// A compose project driven end to end against the REAL Docker engine with every compose kind
// installed (here: v1 only; v2's JSON ps parsing is unit-tested in compose-ps.test.ts): config,
// up, ps, health, one-off run, exec, logs, a crashing service, down. Each project has a unique
// name (openclaw-test-<id>-<kind>) and labels; afterAll removes everything by those.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import { ComposeProject } from './compose-cli.js';
import { parseComposeVersion, type ComposeCommand } from './compose-detect.js';
import { followContainerLogs, readContainerLogs } from './container-logs.js';
import { findStackContainers, waitForHealthy, type ContainerStateSnapshot } from './containers.js';
import { buildImage } from './image-build.js';
import { BASE_IMAGE, TEST_LABEL, cleanupRun, engineFixture } from './integration-support.js';
import type { LogLine } from './log-demux.js';
import { runProcess } from './process-runner.js';

const { docker, ready, skipNote, runId } = await engineFixture();
const IMAGE_TAG = `openclaw-test/compose:${runId}`;
const GREETING = `hello-${runId}`;

/** Every compose kind installed here (a standalone v2 binary counts as v2: test each kind once). */
async function installedComposes(): Promise<ComposeCommand[]> {
  const found: ComposeCommand[] = [];
  for (const command of [['docker', 'compose'], ['docker-compose']] as const) {
    const [bin, ...rest] = command;
    const result = await runProcess(bin, [...rest, 'version']).catch(() => undefined);
    const parsed =
      result?.code === 0 ? parseComposeVersion(result.stdout + result.stderr) : undefined;
    if (parsed && !found.some((c) => c.kind === parsed.kind)) {
      found.push({ kind: parsed.kind, command, version: parsed.version });
    }
  }
  return found;
}
const composes = ready ? await installedComposes() : [];

let workDir = '';
const projectNames: string[] = [];

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-compose-it-'));
  if (composes.length === 0) return;
  const contextDir = path.join(workDir, 'image');
  await fs.mkdir(contextDir);
  await fs.writeFile(
    path.join(contextDir, 'Dockerfile'),
    `FROM ${BASE_IMAGE}\nARG GREETING\nRUN echo "greeting=$GREETING" > /greeting.txt\n`,
  );
  await buildImage(docker, {
    contextDir,
    tag: IMAGE_TAG,
    buildArgs: { GREETING },
    labels: { [TEST_LABEL]: runId },
  });
}, 60_000);

afterAll(async () => {
  if (ready) await cleanupRun(docker, runId, projectNames);
  await fs.rm(workDir, { recursive: true, force: true });
}, 60_000);

const COMPOSE_FILE = `services:
  probe:
    image: ${IMAGE_TAG}
    command: ["sh", "-c", "echo started-${runId}; exec sleep 300"]
    init: true
    labels:
      ${TEST_LABEL}: "${runId}"
    healthcheck:
      test: ["CMD", "test", "-f", "/greeting.txt"]
      interval: 1s
      timeout: 2s
      retries: 3
  crasher:
    image: ${IMAGE_TAG}
    command: ["sh", "-c", "echo crashing-${runId}; exit 3"]
    restart: "no"
    labels:
      ${TEST_LABEL}: "${runId}"
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
`;

for (const kind of ['v1', 'v2'] as const) {
  if (composes.some((c) => c.kind === kind)) continue;
  const note = !ready
    ? skipNote.trim()
    : `[SKIPPED: Compose ${kind} is not installed here${kind === 'v2' ? '; its JSON ps parsing is covered by compose-ps.test.ts' : ''}]`;
  describe(`compose ${kind} against the engine`, () => {
    it.skip(`compose ${kind} end to end ${note}`, () => {});
  });
}

describe.each(composes)('compose $kind ($version) against the engine', (compose) => {
  const projectName = `openclaw-test-${runId}-${compose.kind}`;
  let project: ComposeProject;

  beforeAll(async () => {
    projectNames.push(projectName);
    // A space in the path: compose must get it as one argument, never through a shell.
    const projectDir = path.join(workDir, `stack ${compose.kind}`);
    await fs.mkdir(projectDir, { recursive: true });
    await fs.writeFile(path.join(projectDir, 'docker-compose.yml'), COMPOSE_FILE);
    project = new ComposeProject({
      compose,
      projectDir,
      files: ['docker-compose.yml'],
      projectName,
      docker,
    });
  });

  it('validates the file, starts the stack and waits until it is healthy', async () => {
    expect((await project.config()).services.sort()).toEqual(['crasher', 'probe']);
    const lines: string[] = [];
    await project.up({ services: ['probe'], onLine: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(/probe/);

    const [entry, ...rest] = await project.ps();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ service: 'probe', state: 'running' });
    const found = await findStackContainers(docker, projectName);
    expect(found.map((c) => c.service)).toEqual(['probe']);
    expect(found[0]?.labels[TEST_LABEL]).toBe(runId);
    expect(found[0]?.oneOff).toBe(false);

    const states: ContainerStateSnapshot[] = [];
    const result = await waitForHealthy(docker, found[0]?.id ?? '', {
      timeoutMs: 30_000,
      onState: (s) => states.push(s),
    });
    expect(result.health).toBe('healthy');
    expect(states.at(-1)).toMatchObject({ state: 'running', health: 'healthy' });
    expect((await project.ps())[0]).toMatchObject({
      service: 'probe',
      state: 'running',
      health: 'healthy',
    });
  }, 60_000);

  it('runs one-off commands, capturing stdout and the exit code', async () => {
    const greeting = await project.run('probe', ['/greeting.txt'], {
      noDeps: true,
      entrypoint: 'cat',
      user: 'nobody',
      workdir: '/tmp',
    });
    expect(greeting).toMatchObject({ code: 0 });
    expect(greeting.stdout.trim()).toBe(`greeting=${GREETING}`);
    const failing = await project.run('probe', ['sh', '-c', 'echo to-stderr >&2; exit 4'], {
      noDeps: true,
    });
    expect(failing.code).toBe(4);
    expect(failing.stderr).toContain('to-stderr');
    const exec = await project.exec('probe', ['sh', '-c', 'echo "in $HOSTNAME as $(id -u)"'], {
      user: 'root',
    });
    expect(exec.code).toBe(0);
    expect(exec.stdout).toMatch(/^in \S+ as 0/);
  }, 60_000);

  it('reads and follows the container logs', async () => {
    const [probe] = await findStackContainers(docker, projectName);
    const id = probe?.id ?? '';
    const logs = await readContainerLogs(docker, id, { tail: 10 });
    expect(logs).toContainEqual({
      stream: 'stdout',
      timestamp: expect.stringMatching(/^\d{4}-/),
      text: `started-${runId}`,
    });

    const followed: LogLine[] = [];
    const seen = new Promise<void>((resolve) => {
      const sub = followContainerLogs(docker, id, {
        tail: 0,
        onLine: (line) => {
          followed.push(line);
          if (line.text === `followed-${runId}`) {
            sub.dispose();
            resolve();
          }
        },
      });
    });
    // Write to PID 1's stderr so the line lands in the container log.
    await project.exec('probe', ['sh', '-c', `echo followed-${runId} > /proc/1/fd/2`]);
    await seen;
    expect(followed.at(-1)).toMatchObject({ stream: 'stderr', text: `followed-${runId}` });
  }, 30_000);

  it('fails fast with CONTAINER_EXITED and the last log lines when a container dies', async () => {
    await project.up({ services: ['crasher'] });
    const crasher = (await findStackContainers(docker, projectName)).find(
      (c) => c.service === 'crasher',
    );
    const started = Date.now();
    const err = await waitForHealthy(docker, crasher?.id ?? '', { timeoutMs: 30_000 }).catch(
      (e: unknown) => e,
    );
    expect(isOpenClawError(err, 'CONTAINER_EXITED')).toBe(true);
    expect((err as Error).message).toContain('exit code 3');
    expect((err as Error).message).toContain(`crashing-${runId}`);
    expect(Date.now() - started).toBeLessThan(10_000);
    const all = await project.ps({ all: true });
    expect(all.find((e) => e.service === 'crasher')).toMatchObject({
      state: 'exited',
      exitCode: 3,
    });
    expect((await project.ps()).map((e) => e.service)).toEqual(['probe']);
  }, 60_000);

  it('takes the stack down again', async () => {
    await project.down({ timeoutSeconds: 1 });
    expect(await project.ps({ all: true })).toEqual([]);
    expect(await findStackContainers(docker, projectName)).toEqual([]);
    const networks = await docker.listNetworks({
      filters: { label: [`com.docker.compose.project=${projectName}`] },
    });
    expect(networks).toEqual([]);
  }, 60_000);
});
