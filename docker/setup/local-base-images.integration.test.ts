/**
 * The app's "Make local base images" path with the real scripts/make-base-images.sh on this host.
 * Runs only when both base images already exist and are current, so the script has nothing to
 * build or replace (it logs "exists" twice and prints the build args): a test never makes or
 * retags the shared openclaw-base/* images.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDockerClient, imageExists, imageInfo, pingEngine } from '../engine/index.js';
import { LOCAL_NODE_IMAGE } from './base-image.js';
import { hostProbe, localBaseSupport, makeLocalBaseImages } from './local-base-images.js';

const SCRIPT = path.resolve(__dirname, '../../scripts/make-base-images.sh');
const DEBIAN = 'openclaw-base/debian:bookworm-slim';

async function skipReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'not Linux';
  const docker = createDockerClient({ env: process.env });
  if (!(await pingEngine(docker)).ok) return 'no Docker engine';
  if (!(await imageExists(docker, DEBIAN)) || !(await imageExists(docker, LOCAL_NODE_IMAGE)))
    return 'the base images do not exist yet (the script would build them: not from a test)';
  const [base, node] = await Promise.all([
    imageInfo(docker, DEBIAN),
    imageInfo(docker, LOCAL_NODE_IMAGE),
  ]);
  if (node.labels['org.openclaw.desktop.base.from'] !== base.id)
    return 'the node base is stale (the script would rebuild it: not from a test)';
  const support = await localBaseSupport(hostProbe(SCRIPT, process.env));
  if (!support.possible) return `cannot run here: ${support.detail.split('.')[0]}`;
  return undefined;
}

const skip = await skipReason();
if (skip) console.warn(`SKIPPED local base images integration: ${skip}`);

describe.skipIf(skip !== undefined)(
  `make-base-images.sh through the app's path${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    it('runs unattended here, streams its progress and leaves existing bases as they were', async () => {
      const docker = createDockerClient({ env: process.env });
      const before = await Promise.all([
        imageInfo(docker, DEBIAN),
        imageInfo(docker, LOCAL_NODE_IMAGE),
      ]);
      const support = await localBaseSupport(hostProbe(SCRIPT, process.env));
      const lines: string[] = [];
      await makeLocalBaseImages(support, { env: process.env, onLine: (l) => lines.push(l) });
      expect(lines).toContain(`[base-images] ${DEBIAN} exists`);
      expect(lines).toContain(`[base-images] ${LOCAL_NODE_IMAGE} exists`);
      expect(lines.some((l) => l.startsWith('[base-images] ready:'))).toBe(true);
      const after = await Promise.all([
        imageInfo(docker, DEBIAN),
        imageInfo(docker, LOCAL_NODE_IMAGE),
      ]);
      expect(after.map((i) => i.id)).toEqual(before.map((i) => i.id));
    }, 120_000);
  },
);
