/**
 * The wizard's and Settings' check of stack settings, per field and in plain words. It applies
 * the rules Install applies (docker/stack: host-paths, mounts, build inputs, and finally
 * `parseSetupInputs` itself), plus what only the running app knows: which folders exist, the
 * user's home folder, the ports this app and other programs already hold. So a value that passes
 * a wizard step is not refused later by Install, and Install's refusals name a step and a field.
 */
import { promises as fs } from 'node:fs';
import { ErrorCode, OpenClawError } from '../../../gateway/infra/errors.js';
import type { StackProblem, StackSection, StackSettings } from '../../contract/host-api.js';
import {
  checkContainerTarget,
  checkHostSource,
  comparablePath,
  stripTrailingSeparators,
  TIMEZONE_PATHS,
} from '../../../docker/stack/host-paths.js';
import { parseAptPackages } from '../../../docker/stack/build-inputs.js';
import { parseHomeVolume } from '../../../docker/stack/mounts.js';
import { parseSetupInputs } from '../../../docker/stack/inputs.js';
import { stackSetupEnv } from '../settings/settings-validation.js';
import type { PortCheck } from './stack-manager.js';

export interface StackCheckContext {
  homeDir: string;
  /** Ports this app itself listens on (the headless host's page): never free for the gateway. */
  appPorts: readonly number[];
  /** Who holds a port (the stack manager's check: its own running gateway is not a conflict). */
  checkPort: (port: number) => Promise<PortCheck>;
  /** fs.stat, replaceable in tests. */
  stat?: (path: string) => Promise<{ isDirectory(): boolean }>;
}

type Field = StackProblem['field'];

const SECTION_OF: Record<Field, StackSection> = {
  configDir: 'folders',
  workspaceDir: 'folders',
  extraMounts: 'mounts',
  aptPackages: 'packages',
  homeVolume: 'home',
  gatewayPort: 'port',
};

/** "is inside /etc, …; mount …" → "This folder is inside /etc, …. Mount …." */
function sentence(subject: string, fragment: string): string {
  const [first, ...rest] = fragment.split('; ');
  const tail = rest.map((r) => ` ${r.charAt(0).toUpperCase()}${r.slice(1)}.`).join('');
  return `${subject} ${first}.${tail}`;
}

/** The docker rules speak in variable names for the terminal; the app speaks in its own words. */
function appWords(text: string): string {
  return text
    .replace(
      /use OPENCLAW_HOME_VOLUME to persist \/home\/node/,
      'use the Home volume step to keep /home/node',
    )
    .replace(
      /use OPENCLAW_CONFIG_DIR \/ OPENCLAW_WORKSPACE_DIR, or/,
      'change the Folders step instead, or',
    )
    .replace(/OPENCLAW_[A-Z_]+/g, 'this setting');
}

export async function checkStackSettings(
  settings: StackSettings,
  context: StackCheckContext,
): Promise<StackProblem[]> {
  const problems: StackProblem[] = [];
  const stat = context.stat ?? ((p: string) => fs.stat(p));
  const add = (
    field: Field,
    value: string,
    message: string,
    extra: Partial<Pick<StackProblem, 'index' | 'part' | 'severity'>> = {},
  ) =>
    problems.push({
      section: SECTION_OF[field],
      field,
      value,
      message,
      severity: extra.severity ?? 'error',
      ...(extra.index !== undefined ? { index: extra.index } : {}),
      ...(extra.part ? { part: extra.part } : {}),
    });

  /** A folder the stack bind-mounts: the path rules, then "is it a folder" when it exists. */
  const hostFolder = async (
    value: string,
    subject: string,
    report: (message: string) => void,
    options: { allowTimezoneFiles?: boolean; mustExist?: boolean } = {},
  ): Promise<boolean> => {
    const problem = checkHostSource(stripTrailingSeparators(value), {
      homeDir: context.homeDir,
      allowTimezoneFiles: options.allowTimezoneFiles,
    });
    if (problem) {
      report(sentence(subject, appWords(problem)));
      return false;
    }
    const info = await stat(value).catch(() => undefined);
    if (info && !info.isDirectory() && !TIMEZONE_PATHS.includes(comparablePath(value))) {
      report(
        `${subject} is a file, not a folder. Choose a folder (the app creates it if missing).`,
      );
      return false;
    }
    return true;
  };

  // Folders.
  await hostFolder(settings.configDir, 'The config folder', (m) =>
    add('configDir', settings.configDir, m),
  );
  await hostFolder(settings.workspaceDir, 'The workspace folder', (m) =>
    add('workspaceDir', settings.workspaceDir, m),
  );
  if (comparablePath(settings.configDir) === comparablePath(settings.workspaceDir)) {
    add(
      'workspaceDir',
      settings.workspaceDir,
      'The workspace is the same folder as the config folder. Use a folder of its own, such as a "workspace" folder inside the config folder.',
    );
  }

  // Extra folders.
  const targets = new Map<string, number>();
  for (const [index, mount] of settings.extraMounts.entries()) {
    const label = `Mount ${index + 1}`;
    const timezone = TIMEZONE_PATHS.includes(comparablePath(mount.source));
    if (timezone && !mount.readOnly) {
      add(
        'extraMounts',
        mount.source,
        `${label}: time zone files may only be shared read-only. Turn on "Read-only".`,
        { index, part: 'source' },
      );
    } else {
      const ok = await hostFolder(
        mount.source,
        `${label}: this folder`,
        (m) => add('extraMounts', mount.source, m, { index, part: 'source' }),
        { allowTimezoneFiles: mount.readOnly },
      );
      if (ok && !(await stat(mount.source).catch(() => undefined))) {
        add(
          'extraMounts',
          mount.source,
          `${label}: this folder does not exist on this computer yet. Docker would create it empty (owned by root); create it first if the gateway should find files there.`,
          { index, part: 'source', severity: 'warning' },
        );
      }
    }
    const target = mount.target.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1');
    const targetProblem = checkContainerTarget(target, {
      allowTimezoneFiles: mount.readOnly && timezone,
    });
    if (targetProblem) {
      add(
        'extraMounts',
        mount.target,
        sentence(`${label}: the container path`, appWords(targetProblem)),
        {
          index,
          part: 'target',
        },
      );
      continue;
    }
    const earlier = targets.get(target);
    if (earlier !== undefined) {
      add(
        'extraMounts',
        mount.target,
        `${label}: mount ${earlier + 1} already uses this container path. Give each folder its own path.`,
        { index, part: 'target' },
      );
      continue;
    }
    targets.set(target, index);
    if (!timezone && target !== '/home/node' && !target.startsWith('/home/node/')) {
      add(
        'extraMounts',
        mount.target,
        `${label}: ${target} is outside /home/node. That works, but the agent's file tools start in the workspace and the home folder; /home/node/<name> keeps everything in one place.`,
        { index, part: 'target', severity: 'warning' },
      );
    }
  }

  // Packages: the build's own name rule.
  for (const [index, name] of settings.aptPackages.entries()) {
    if (parseAptPackages(name).problems.length > 0) {
      add(
        'aptPackages',
        name,
        `"${name}" is not a Debian package name: lower-case letters, digits, "+", "." and "-" (for example jq or python3-pip).`,
        { index },
      );
    }
  }

  // Home volume.
  const home = settings.homeVolume;
  if (home?.kind === 'volume') {
    if (home.name.includes('/') || parseHomeVolume(home.name).problem) {
      add(
        'homeVolume',
        home.name,
        'The volume name may use letters, digits, "_", "." and "-", starting with a letter or digit (at least 2 characters).',
      );
    }
  } else if (home?.kind === 'bind') {
    const ok = await hostFolder(home.source, 'The home folder', (m) =>
      add('homeVolume', home.source, m),
    );
    const same = [settings.configDir, settings.workspaceDir].some(
      (d) => comparablePath(d) === comparablePath(home.source),
    );
    if (ok && same) {
      add(
        'homeVolume',
        home.source,
        'The home folder is the config or workspace folder. Give it a place of its own, or use a volume.',
      );
    }
  }

  // Port.
  const port = settings.gatewayPort;
  if (context.appPorts.includes(port)) {
    add(
      'gatewayPort',
      String(port),
      `Port ${port} is the address of this app's own window. Choose another port for the gateway, such as 18789.`,
    );
  } else {
    const held = await context.checkPort(port).catch(() => ({ free: true }) as const);
    if (!held.free && held.holder !== 'this-stack') {
      const suggestion =
        held.suggestion && !context.appPorts.includes(held.suggestion)
          ? ` Port ${held.suggestion} is free.`
          : '';
      add(
        'gatewayPort',
        String(port),
        `Port ${port} is already in use by ${held.detail}. Choose another port, or stop that program.${suggestion}`,
      );
    }
  }

  // Install's own parser is the last word: anything it refuses that the rules above let through
  // is still reported here (in its own words), so no step passes what Install would refuse.
  if (!problems.some((p) => p.severity === 'error')) {
    const parsed = parseSetupInputs(stackSetupEnv(settings), { homeDir: context.homeDir });
    if (!parsed.ok) {
      for (const e of parsed.errors) {
        const field = FIELD_OF_INPUT[e.input];
        if (field) add(field, e.value, appWords(e.message));
      }
    }
  }
  return problems;
}

const FIELD_OF_INPUT: Record<string, Field | undefined> = {
  OPENCLAW_CONFIG_DIR: 'configDir',
  OPENCLAW_WORKSPACE_DIR: 'workspaceDir',
  OPENCLAW_GATEWAY_PORT: 'gatewayPort',
  OPENCLAW_EXTRA_MOUNTS: 'extraMounts',
  OPENCLAW_HOME_VOLUME: 'homeVolume',
  OPENCLAW_DOCKER_APT_PACKAGES: 'aptPackages',
};

/** One message for a refused Install: the errors, each on its own line. */
export function formatStackProblems(problems: readonly StackProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  return errors.map((p) => p.message).join('\n');
}

/**
 * Install's gate: the error that refuses these problems (a port-only refusal keeps its own code),
 * or undefined when nothing blocks. The details carry the problems for callers that route them.
 */
export function stackRefusal(problems: readonly StackProblem[]): OpenClawError | undefined {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return undefined;
  const portOnly = errors.every((p) => p.field === 'gatewayPort');
  return new OpenClawError(
    portOnly ? ErrorCode.GATEWAY_PORT_IN_USE : ErrorCode.STACK_INPUT_INVALID,
    `Nothing was changed.\n${formatStackProblems(errors)}`,
    { details: { problems: errors } },
  );
}
