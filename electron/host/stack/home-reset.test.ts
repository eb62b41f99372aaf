import { describe, expect, it } from 'vitest';
import { resetHomeVolume, type HomeResetDeps } from './home-reset.js';

function fakes(options: { volumes?: string[]; removeFails?: boolean; createFails?: boolean } = {}) {
  const log: string[] = [];
  let filters: unknown;
  const deps: HomeResetDeps = {
    projectName: 'openclaw',
    docker: {
      listVolumes: (async (opts: { filters: unknown }) => {
        filters = opts.filters;
        log.push('list');
        return { Volumes: (options.volumes ?? []).map((Name) => ({ Name })), Warnings: [] };
      }) as unknown as HomeResetDeps['docker']['listVolumes'],
      getVolume: ((name: string) => ({
        remove: async () => {
          log.push(`remove ${name}`);
          if (options.removeFails) throw new Error('volume is in use - [abc]');
        },
      })) as unknown as HomeResetDeps['docker']['getVolume'],
    },
    project: async () => ({
      down: async (o) => void log.push(`down${o?.volumes ? ' --volumes' : ''}`),
      up: async (o) => void log.push(`up ${o?.services?.join(' ')}`),
      runSubcommand: async (args) => {
        log.push(args.join(' '));
        return options.createFails
          ? { code: 1, stdout: '', stderr: 'boom' }
          : { code: 0, stdout: '', stderr: '' };
      },
    }),
  };
  return { deps, log, filters: () => filters };
}

describe('resetHomeVolume', () => {
  it('removes the containers, then the volume found by its compose labels, then starts again', async () => {
    const { deps, log, filters } = fakes({ volumes: ['openclaw_openclaw-home'] });
    await expect(
      resetHomeVolume(deps, { volume: 'openclaw-home', wasRunning: true }),
    ).resolves.toEqual({ removed: true, restarted: true });
    expect(log).toEqual(['down', 'list', 'remove openclaw_openclaw-home', 'up openclaw-gateway']);
    expect(filters()).toEqual({
      label: ['com.docker.compose.project=openclaw', 'com.docker.compose.volume=openclaw-home'],
    });
  });

  it('recreates without starting a gateway that was stopped', async () => {
    const { deps, log } = fakes({ volumes: ['openclaw_openclaw-home'] });
    await expect(
      resetHomeVolume(deps, { volume: 'openclaw-home', wasRunning: false }),
    ).resolves.toEqual({ removed: true, restarted: false });
    expect(log.at(-1)).toBe('up --no-start --no-build openclaw-gateway');
  });

  it('says so when there was no volume yet', async () => {
    const { deps } = fakes();
    await expect(
      resetHomeVolume(deps, { volume: 'openclaw-home', wasRunning: true }),
    ).resolves.toEqual({ removed: false, restarted: true });
  });

  it('names the next step when the volume is still in use', async () => {
    const { deps, log } = fakes({ volumes: ['openclaw_openclaw-home'], removeFails: true });
    await expect(
      resetHomeVolume(deps, { volume: 'openclaw-home', wasRunning: true }),
    ).rejects.toThrow(/docker ps -a --filter volume=openclaw_openclaw-home/);
    expect(log).not.toContain('up openclaw-gateway');
  });
});
