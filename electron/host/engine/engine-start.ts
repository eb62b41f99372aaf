/**
 * "Docker is not running — start it": launch Docker Desktop (macOS, Windows) or ask systemd
 * (Linux, user unit of Docker Desktop first, then the system service when allowed). Never
 * touches socket permissions or group membership.
 */
import { spawn } from 'node:child_process';

export interface EngineStartResult {
  started: boolean;
  message: string;
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: process.platform !== 'win32' });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
    child.unref();
  });
}

export async function startEngine(platform: NodeJS.Platform): Promise<EngineStartResult> {
  if (platform === 'darwin') {
    const code = await run('open', ['-a', 'Docker']);
    return code === 0
      ? {
          started: true,
          message:
            'Starting Docker Desktop… this takes a minute; the app notices when it is ready.',
        }
      : {
          started: false,
          message:
            'Docker Desktop was not found. Install it from docker.com, or start Colima/OrbStack yourself.',
        };
  }
  if (platform === 'win32') {
    const exe = `${process.env.ProgramFiles ?? 'C:\\Program Files'}\\Docker\\Docker\\Docker Desktop.exe`;
    const code = await run(exe, []);
    return code === 127
      ? { started: false, message: 'Docker Desktop was not found. Install it from docker.com.' }
      : {
          started: true,
          message:
            'Starting Docker Desktop… this takes a minute; the app notices when it is ready.',
        };
  }
  if ((await run('systemctl', ['--user', 'start', 'docker-desktop'])) === 0) {
    return { started: true, message: 'Starting Docker Desktop…' };
  }
  if ((await run('systemctl', ['start', 'docker'])) === 0) {
    return { started: true, message: 'Started the docker service.' };
  }
  return {
    started: false,
    message:
      'Could not start Docker from here. Run `sudo systemctl start docker` (or start Docker Desktop), then retry.',
  };
}
