/**
 * Where OpenClaw keeps its files. Same layout as upstream so existing users' files keep working:
 * `OPENCLAW_HOME` replaces $HOME, `OPENCLAW_STATE_DIR` the state dir, `OPENCLAW_CONFIG_PATH` the
 * config file.
 */
import os from 'node:os';
import path from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface StatePaths {
  home: string;
  stateDir: string;
  configPath: string;
  workspaceDir: string;
  devicesDir: string;
  pendingDevicesPath: string;
  pairedDevicesPath: string;
  identityDir: string;
  deviceIdentityPath: string;
  deviceAuthPath: string;
  agentsDir: string;
  logsDir: string;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export function resolveStatePaths(env: Env = process.env): StatePaths {
  const home = path.resolve(env.OPENCLAW_HOME?.trim() || os.homedir());
  const stateDir = path.resolve(
    expandHome(env.OPENCLAW_STATE_DIR?.trim() || path.join(home, '.openclaw'), home),
  );
  const configPath = path.resolve(
    expandHome(env.OPENCLAW_CONFIG_PATH?.trim() || path.join(stateDir, 'openclaw.json'), home),
  );
  const devicesDir = path.join(stateDir, 'devices');
  const identityDir = path.join(stateDir, 'identity');
  return {
    home,
    stateDir,
    configPath,
    workspaceDir: path.join(stateDir, 'workspace'),
    devicesDir,
    pendingDevicesPath: path.join(devicesDir, 'pending.json'),
    pairedDevicesPath: path.join(devicesDir, 'paired.json'),
    identityDir,
    deviceIdentityPath: path.join(identityDir, 'device.json'),
    deviceAuthPath: path.join(identityDir, 'device-auth.json'),
    agentsDir: path.join(stateDir, 'agents'),
    logsDir: path.join(stateDir, 'logs'),
  };
}

export function agentSessionsDir(paths: StatePaths, agentId: string): string {
  return path.join(paths.agentsDir, agentId, 'sessions');
}

export function expandUserPath(p: string, paths: Pick<StatePaths, 'home'>): string {
  return path.resolve(expandHome(p, paths.home));
}
