/**
 * Making the local Node 22 base images (scripts/make-base-images.sh) from the app, where that can
 * work unattended: Linux with apt (debootstrap comes from it), as root or with passwordless sudo
 * (debootstrap needs root the first time). Everywhere else the answer is an explanation of how to
 * get a base without a registry, never a half-run script waiting for a password.
 */
import { existsSync } from 'node:fs';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../gateway/infra/errors.js';
import { runProcess, type LineHandler } from '../engine/index.js';
import { LOCAL_NODE_IMAGE } from './base-image.js';

export interface MakeBaseSupport {
  possible: boolean;
  /** Why not, and what to do instead; or what running it will do. */
  detail: string;
  /** argv to run (only when possible). */
  command?: string[];
}

export interface MakeBaseProbe {
  platform: NodeJS.Platform;
  /** process.getuid?.() */
  uid: number | undefined;
  /** Absolute path of make-base-images.sh in this installation, if it ships one. */
  scriptPath: string | undefined;
  /** `apt-get` is on PATH. */
  hasApt: () => Promise<boolean>;
  /** `sudo -n true` succeeds (no password asked). */
  hasPasswordlessSudo: () => Promise<boolean>;
}

const ELSEWHERE =
  `On a computer that can reach Docker Hub run \`docker pull node:22-bookworm-slim && docker save -o node22.tar node:22-bookworm-slim\`, ` +
  'copy node22.tar here and run `docker load -i node22.tar`; or configure a registry mirror for ' +
  'the Docker engine ("registry-mirrors" in Docker Desktop → Settings → Docker Engine, or ' +
  '/etc/docker/daemon.json). The app then uses it on the next build.';

export async function localBaseSupport(probe: MakeBaseProbe): Promise<MakeBaseSupport> {
  if (probe.platform !== 'linux') {
    return {
      possible: false,
      detail: `Local base images are made with Debian's debootstrap, which needs Linux. ${ELSEWHERE}`,
    };
  }
  if (!probe.scriptPath || !existsSync(probe.scriptPath)) {
    return {
      possible: false,
      detail: `This installation does not include scripts/make-base-images.sh (it is in the OpenClaw Desktop source). ${ELSEWHERE}`,
    };
  }
  if (!(await probe.hasApt())) {
    return {
      possible: false,
      detail: `Making base images needs apt (a Debian or Ubuntu host) to install debootstrap. ${ELSEWHERE}`,
    };
  }
  const script = probe.scriptPath;
  if (probe.uid === 0) {
    return {
      possible: true,
      detail: `Runs ${script}: a Debian bookworm base from the apt mirror and Node 22 from npm, then ${LOCAL_NODE_IMAGE} (a few minutes the first time).`,
      command: ['bash', script],
    };
  }
  if (await probe.hasPasswordlessSudo()) {
    return {
      possible: true,
      detail: `Runs ${script} with sudo: a Debian bookworm base from the apt mirror and Node 22 from npm, then ${LOCAL_NODE_IMAGE} (a few minutes the first time).`,
      command: ['sudo', '-n', '--', 'bash', script],
    };
  }
  return {
    possible: false,
    detail: `Making base images needs root the first time (debootstrap). Run \`sudo ${script}\` in a terminal, then build again. Or: ${ELSEWHERE}`,
  };
}

/** The real probe for this process. */
export function hostProbe(scriptPath: string | undefined, env: NodeJS.ProcessEnv): MakeBaseProbe {
  const succeeds = async (bin: string, args: string[]): Promise<boolean> => {
    try {
      return (await runProcess(bin, args, { env })).code === 0;
    } catch (err) {
      if (systemErrorCode(err) === 'ENOENT') return false;
      throw err;
    }
  };
  return {
    platform: process.platform,
    uid: process.getuid?.(),
    scriptPath,
    hasApt: () => succeeds('sh', ['-c', 'command -v apt-get']),
    hasPasswordlessSudo: () => succeeds('sudo', ['-n', 'true']),
  };
}

/**
 * Runs the script with its progress lines streamed (it writes progress to stderr). The script is
 * idempotent: existing images are kept, so running it again is cheap.
 */
export async function makeLocalBaseImages(
  support: MakeBaseSupport,
  options: { env: NodeJS.ProcessEnv; signal?: AbortSignal; onLine?: LineHandler },
): Promise<void> {
  if (!support.possible || !support.command) {
    throw new OpenClawError(ErrorCode.BASE_IMAGE_UNAVAILABLE, support.detail);
  }
  const [bin, ...args] = support.command;
  const result = await runProcess(bin!, args, {
    env: options.env,
    signal: options.signal,
    onLine: options.onLine,
  });
  if (result.code !== 0) {
    const tail = `${result.stderr}`.trim().split(/\r?\n/).slice(-8).join('\n');
    throw new OpenClawError(
      ErrorCode.BASE_IMAGE_UNAVAILABLE,
      `Making the local base images failed (exit ${result.code}):\n${tail}\nFix the problem it names (often the Debian mirror or npm being unreachable: set DEBIAN_MIRROR, or NODE_VERSION to a cached version) and try again.`,
      { details: { code: result.code, tail } },
    );
  }
}
