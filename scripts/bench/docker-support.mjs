// @ts-check
/**
 * Engine plumbing of the docker bench: loading the project's TypeScript engine code through tsx,
 * deciding whether the section can run here, and removing everything a run created.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

const NODE_BASES = ['node:22-bookworm-slim', 'openclaw-base/node:22-bookworm-slim'];
const PROJECT_LABEL = 'com.docker.compose.project';

/** The project's TypeScript modules (engine, build context, setup), loaded once. */
export async function loadProjectCode() {
  const from = import.meta.url;
  const [engine, context, setup] = await Promise.all([
    tsImport('../../docker/engine/index.ts', from),
    tsImport('../../docker/build-context.ts', from),
    tsImport('../../docker/setup/run-setup.ts', from),
  ]);
  return { engine, context, setup };
}

/**
 * Why the section cannot run here, or the engine handles it needs.
 * @param {any} engine docker/engine/index.ts
 * @param {string} bundleDir
 */
export async function prerequisites(engine, bundleDir) {
  let docker;
  try {
    docker = engine.createDockerClient({ env: process.env });
    // pingEngine reports an unreachable engine as { ok: false }, not as a throw.
    const ping = await engine.pingEngine(docker);
    if (!ping.ok) throw ping.error;
  } catch (err) {
    return { skip: `no Docker engine (${firstLine(err)})` };
  }
  let compose;
  try {
    compose = await engine.detectCompose({ env: process.env });
  } catch (err) {
    return { skip: `no Docker Compose (${firstLine(err)})` };
  }
  const wanted = process.env.OPENCLAW_NODE_IMAGE?.trim();
  let nodeImage;
  for (const base of wanted ? [wanted] : NODE_BASES) {
    if (await engine.imageExists(docker, base)) {
      nodeImage = base;
      break;
    }
  }
  if (!nodeImage)
    return {
      skip: `no Node 22 base image (${wanted ?? NODE_BASES.join(' / ')}; run scripts/make-base-images.sh)`,
    };
  if (!existsSync(path.join(bundleDir, 'openclaw.mjs')))
    return { skip: `no gateway bundle in ${bundleDir} (run npm run build)` };
  return { docker, compose, nodeImage };
}

/**
 * Removes the stack (compose first, then anything still labelled with the project), the temp
 * folders and the bench's images. Never throws; returns what could not be removed.
 * @param {{ docker: any, engine: any, stack: any, project: string, work: string, tags: Set<string>, log: (line: string) => void }} ctx
 * @returns {Promise<string[]>}
 */
export async function cleanup({ docker, engine, stack, project, work, tags, log }) {
  /** @type {string[]} */
  const problems = [];
  if (stack)
    await stack.down({ volumes: true, removeOrphans: true, timeoutSeconds: 5 }).catch(() => {});
  const filters = { label: [`${PROJECT_LABEL}=${project}`] };
  try {
    for (const c of await docker.listContainers({ all: true, filters }))
      await docker.getContainer(c.Id).remove({ force: true, v: true });
    for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
    for (const v of (await docker.listVolumes({ filters })).Volumes ?? [])
      await docker.getVolume(v.Name).remove({ force: true });
  } catch (err) {
    problems.push(`stack ${project}: ${firstLine(err)}`);
  }
  // Setup hands the config folder to uid 1000: a non-root user may need root in a container to
  // delete it (run while the bench image still exists).
  await fs.rm(work, { recursive: true, force: true }).catch(async () => {
    const image = [...tags][0];
    if (image) await removeAsRoot(docker, image, work).catch(() => {});
    await fs.rm(work, { recursive: true, force: true }).catch((err) => {
      problems.push(`${work}: ${firstLine(err)}`);
    });
  });
  for (const ref of [...tags].reverse()) {
    await engine.removeImage(docker, ref, { force: true }).catch((/** @type {unknown} */ err) => {
      problems.push(`image ${ref}: ${firstLine(err)}`);
    });
  }
  if (problems.length > 0) log(`docker: could not remove: ${problems.join('; ')}`);
  return problems;
}

/**
 * @param {any} docker
 * @param {string} image
 * @param {string} dir
 */
async function removeAsRoot(docker, image, dir) {
  const container = await docker.createContainer({
    Image: image,
    User: '0',
    Entrypoint: ['sh', '-c'],
    Cmd: ['rm -rf /w/* /w/.[!.]*'],
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', Binds: [`${dir}:/w`] },
  });
  try {
    await container.start();
    await container.wait();
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}

/** @param {unknown} err */
export function firstLine(err) {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
