/**
 * Checks of the files on this machine that the stack depends on: the config folder's ownership
 * (the container runs as uid 1000), free disk space, and the Control UI origin in openclaw.json.
 */
import { promises as fs, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ALL_INTERFACES_PUBLISH_ADDRESS,
  lanOrigins,
  readEnvFile,
  systemInterfaces,
} from '../../../docker/stack/index.js';
import { loadConfigSnapshot } from '../../../gateway/config/config-store.js';
import { systemErrorCode } from '../../../gateway/infra/errors.js';
import type { CheckOutcome, DiagnosticCheck, DiagnosticStatus } from './checks.js';
import { configFileOf, defaultStatfs, envFileOf, type DiagnosticsContext } from './context.js';
import { cliCommand, configValueArgument } from './fix-commands.js';

export const CONTAINER_UID = 1000;
const CONTAINER_GID = 1000;

/** Whether uid 1000 (gid 1000) may write `stat`'s file, or create entries in a folder. */
export function writableByContainerUser(
  stat: Pick<Stats, 'uid' | 'gid' | 'mode'>,
  isDir: boolean,
): boolean {
  const need = isDir ? 0o3 : 0o2; // write, plus search for folders
  if (stat.uid === CONTAINER_UID) return ((stat.mode >> 6) & need) === need;
  if (stat.gid === CONTAINER_GID && ((stat.mode >> 3) & need) === need) return true;
  return (stat.mode & need) === need;
}

function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

export const configPermissionsCheck: DiagnosticCheck = {
  id: 'config-permissions',
  title: 'Config folder permissions',
  async run(ctx) {
    const dir = ctx.settings.configDir;
    if (ctx.platform !== 'linux') {
      return {
        status: 'skip',
        detail:
          'Docker Desktop maps file ownership for containers on this system; nothing to check.',
      };
    }
    let dirStat: Stats;
    try {
      dirStat = await fs.stat(dir);
    } catch (err) {
      if (systemErrorCode(err) === 'ENOENT')
        return {
          status: 'warn',
          detail: `${dir} does not exist yet; the setup creates it.`,
          fix: { label: 'Run the setup', action: 'run-setup' },
        };
      return {
        status: 'fail',
        detail: `Cannot read ${dir}: ${systemErrorCode(err) ?? String(err)}.`,
      };
    }
    const entries: Array<[string, boolean]> = [
      ['openclaw.json', false],
      ['devices', true],
      [path.join('devices', 'paired.json'), false],
      [path.join('devices', 'pending.json'), false],
      ['identity', true],
      ['agents', true],
    ];
    const blocked: string[] = [];
    if (!writableByContainerUser(dirStat, true))
      blocked.push(`${dir} (owner uid ${dirStat.uid}, mode ${modeText(dirStat.mode)})`);
    for (const [rel, isDir] of entries) {
      const stat = await fs.stat(path.join(dir, rel)).catch(() => undefined);
      if (stat && !writableByContainerUser(stat, isDir))
        blocked.push(`${rel} (owner uid ${stat.uid}, mode ${modeText(stat.mode)})`);
    }
    if (blocked.length === 0) {
      return {
        status: 'ok',
        detail: `${dir} is writable for the container user (uid ${CONTAINER_UID})${dirStat.uid === CONTAINER_UID ? ', which owns it' : ''}.`,
      };
    }
    return {
      status: 'fail',
      detail: `The gateway runs as uid ${CONTAINER_UID} and cannot write: ${blocked.join('; ')}. It would fail with EACCES when saving its config or pairing devices.`,
      fix: {
        label: 'Give the folder to the container user',
        command: `sudo chown -R ${CONTAINER_UID}:${CONTAINER_GID} "${dir}"`,
        action: 'fix-config-ownership',
      },
      data: { blocked },
    };
  },
};

export const DISK_WARN_BYTES = 2 * 1024 ** 3;
export const DISK_FAIL_BYTES = 500 * 1024 ** 2;

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

async function nearestExisting(target: string): Promise<string> {
  let current = path.resolve(target);
  for (;;) {
    if (
      await fs.stat(current).then(
        () => true,
        () => false,
      )
    )
      return current;
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

const RANK: Record<DiagnosticStatus, number> = { skip: 0, ok: 1, warn: 2, fail: 3 };

export const diskSpaceCheck: DiagnosticCheck = {
  id: 'disk-space',
  title: 'Free disk space',
  async run(ctx, signal): Promise<CheckOutcome> {
    const statfs = ctx.statfs ?? defaultStatfs;
    const places: Array<{ label: string; path: string }> = [
      { label: 'config folder', path: await nearestExisting(ctx.settings.configDir) },
    ];
    const notes: string[] = [];
    if (ctx.engine && ctx.platform === 'linux') {
      try {
        const info = await ctx.engine.info(signal);
        const root = typeof info.DockerRootDir === 'string' ? info.DockerRootDir : undefined;
        // Only a local engine's data folder is on this machine's disks (not Docker Desktop's VM,
        // not a remote DOCKER_HOST): the engine reports the host name it runs on.
        if (root && info.Name === os.hostname()) places.push({ label: 'Docker data', path: root });
        else notes.push("Docker's data folder is not on this machine's disks; not checked.");
      } catch {
        notes.push('Docker is not reachable; its data folder was not checked.');
      }
    }
    let status: DiagnosticStatus = 'ok';
    const parts: string[] = [];
    const data: Record<string, number> = {};
    for (const place of places) {
      let space;
      try {
        space = await statfs(place.path);
      } catch (err) {
        // /var/lib/docker is root-only: measure the nearest folder we may look at instead.
        const parent = path.dirname(place.path);
        space = await statfs(parent).catch(() => undefined);
        if (!space) {
          notes.push(
            `${place.label} (${place.path}) could not be measured: ${systemErrorCode(err) ?? String(err)}.`,
          );
          continue;
        }
      }
      const level: DiagnosticStatus =
        space.freeBytes < DISK_FAIL_BYTES
          ? 'fail'
          : space.freeBytes < DISK_WARN_BYTES
            ? 'warn'
            : 'ok';
      if (RANK[level] > RANK[status]) status = level;
      parts.push(`${place.label} (${place.path}): ${gigabytes(space.freeBytes)} free`);
      data[place.label] = space.freeBytes;
    }
    if (parts.length === 0) return { status: 'skip', detail: notes.join(' ') };
    const detail = [parts.join('; ') + '.', ...notes].join(' ');
    if (status === 'ok') return { status, detail, data };
    return {
      status,
      detail: `${detail} Builds and logs need room: below ${gigabytes(DISK_WARN_BYTES)} things get tight, below 0.5 GB the gateway may fail to save its state.`,
      fix: {
        label: 'Free disk space (unused Docker images first)',
        command: 'docker image prune',
        docs: 'https://docs.docker.com/engine/manage-resources/pruning/',
      },
      data,
    };
  },
};

function originOf(value: string): string {
  return value.trim().replace(/\/+$/, '').toLowerCase();
}

export const allowedOriginsCheck: DiagnosticCheck = {
  id: 'allowed-origins',
  title: 'Control UI origin',
  async run(ctx: DiagnosticsContext): Promise<CheckOutcome> {
    const port = ctx.settings.gatewayPort;
    const expected = `http://127.0.0.1:${port}`;
    const envValues = Object.fromEntries(await readEnvFile(envFileOf(ctx)).catch(() => new Map()));
    const snapshot = await loadConfigSnapshot({ configPath: configFileOf(ctx) }, envValues);
    if (!snapshot.exists)
      return {
        status: 'skip',
        detail: `${snapshot.path} does not exist yet (the setup writes it).`,
      };
    if (snapshot.parsed === undefined || snapshot.raw === null) {
      return {
        status: 'fail',
        detail: `${snapshot.path} cannot be read: ${snapshot.issues.map((i) => i.message).join('; ')}.`,
        fix: { label: 'Fix the file, or restore openclaw.json.bak next to it' },
      };
    }
    const controlUi = snapshot.config.gateway?.controlUi;
    if (controlUi?.enabled === false)
      return {
        status: 'skip',
        detail: 'The Control UI is turned off (gateway.controlUi.enabled).',
      };
    const origins = controlUi?.allowedOrigins ?? [];
    if (origins.length === 0) {
      // The gateway then allows its own port's local origins: the container port, 18789.
      return port === 18789
        ? lanOriginsOutcome(ctx, origins, {
            status: 'ok',
            detail: `No origins are configured; the gateway's defaults include ${expected}.`,
          })
        : failOrigins(
            ctx,
            expected,
            origins,
            'no origins are configured and the defaults only cover port 18789',
          );
    }
    if (origins.some((o) => o.trim() === '*' || originOf(o) === expected))
      return lanOriginsOutcome(ctx, origins, {
        status: 'ok',
        detail: `gateway.controlUi.allowedOrigins includes ${expected}.`,
      });
    return failOrigins(ctx, expected, origins, `it lists only ${origins.join(', ')}`);
  },
};

/**
 * With LAN exposure on, browsers on other devices come from `http://<this host's ip>:<port>`.
 * Setup allows the addresses of the moment; a new address (another network, a DHCP change) is
 * refused until it is allowed too.
 */
function lanOriginsOutcome(
  ctx: DiagnosticsContext,
  origins: readonly string[],
  local: CheckOutcome,
): CheckOutcome {
  if (!ctx.settings.exposeOnLan || origins.some((o) => o.trim() === '*')) return local;
  const lan = lanOrigins(
    ALL_INTERFACES_PUBLISH_ADDRESS,
    ctx.settings.gatewayPort,
    (ctx.interfaces ?? systemInterfaces)(),
  );
  const allowed = new Set(origins.map(originOf));
  const missing = lan.filter((o) => !allowed.has(o));
  if (missing.length === 0)
    return lan.length > 0
      ? { ...local, detail: `${local.detail} Other devices' origins are allowed too.` }
      : local;
  return {
    status: 'warn',
    detail: `Browsers on other devices opening ${missing.join(', ')} would be refused: the gateway allows only ${origins.join(', ') || 'its defaults'} (this computer's network address may have changed since the setup).`,
    fix: {
      label: `Allow ${missing.join(', ')}`,
      command: cliCommand(ctx, [
        'config',
        'set',
        'gateway.controlUi.allowedOrigins',
        configValueArgument(ctx, [...new Set([...origins, ...missing])]),
      ]),
      action: 'add-allowed-origin',
    },
  };
}

function failOrigins(
  ctx: DiagnosticsContext,
  expected: string,
  origins: readonly string[],
  why: string,
): CheckOutcome {
  const next = [...new Set([...origins, expected, `http://localhost:${ctx.settings.gatewayPort}`])];
  return {
    status: 'fail',
    detail: `The Control UI at ${expected} would be refused by the gateway: ${why} (gateway.controlUi.allowedOrigins).`,
    fix: {
      label: `Allow ${expected}`,
      command: cliCommand(ctx, [
        'config',
        'set',
        'gateway.controlUi.allowedOrigins',
        configValueArgument(ctx, next),
      ]),
      action: 'add-allowed-origin',
    },
  };
}
