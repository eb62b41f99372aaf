/**
 * One clear engine state for the supervisor: not installed / stopped / unresponsive / ready.
 * "Not installed" means neither a docker CLI on PATH nor any known engine socket exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { pingEngine } from '../../../docker/engine/index.js';

export type EngineState = 'not-installed' | 'stopped' | 'starting' | 'ready' | 'unresponsive';

export interface EngineProbeResult {
  state: EngineState;
  version?: string;
  detail?: string;
}

function onPath(binary: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const names = platform === 'win32' ? [`${binary}.exe`, `${binary}.cmd`] : [binary];
  return dirs.some((dir) => names.some((name) => existsSync(path.join(dir, name))));
}

export async function probeEngine(
  docker: Dockerode,
  options: {
    env: NodeJS.ProcessEnv;
    platform: NodeJS.Platform;
    signal?: AbortSignal;
    timeoutMs?: number;
  },
): Promise<EngineProbeResult> {
  const ping = await pingEngine(docker, options.signal, { timeoutMs: options.timeoutMs ?? 3000 });
  if (ping.ok) return { state: 'ready', version: ping.version };
  const code = ping.error.code;
  if (code === 'TIMEOUT') return { state: 'unresponsive', detail: ping.error.message };
  if (!onPath('docker', options.env, options.platform)) {
    return {
      state: 'not-installed',
      detail: 'Docker is not installed (no docker command and no engine socket found).',
    };
  }
  return { state: 'stopped', detail: ping.error.message };
}
