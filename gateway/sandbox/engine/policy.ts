/**
 * The policy gate sandboxd applies to every plan before it makes a Docker call. The plan comes
 * from the gateway, which is the less trusted side (it runs agent tools), so nothing in it is
 * taken on faith: a plan that asks for the host's network, an unconfined profile, extra privileges
 * or a mount of something sensitive is refused with a message that says what to change.
 */
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { SANDBOX_DEFAULTS, type SandboxBind, type SandboxPlan } from '../contract.js';

export interface PolicyOptions {
  /** The configured sandbox images; any other image is refused. */
  allowedImages: readonly string[];
  /** Home folders whose credential folders are blocked (default: $HOME and the OS home). */
  homeDirs?: readonly string[];
  /** Resolves symlinks of an existing path (default `fs.realpathSync`); injectable for tests. */
  realpath?: (p: string) => string;
}

const BLOCKED_EXACT = ['/'];
const BLOCKED_TREES = [
  '/etc',
  '/private/etc',
  '/proc',
  '/sys',
  '/dev',
  '/root',
  '/boot',
  '/run',
  '/var/run',
  '/private/var/run',
];
const HOME_SECRETS = ['.aws', '.cargo', '.config', '.docker', '.gnupg', '.netrc', '.npm', '.ssh'];
const SOCKET_NAME = /(?:^|[._-])(?:docker|podman|containerd)\.sock$/i;
const PROFILE_NAME = /^[A-Za-z0-9/][A-Za-z0-9_.\-/]*$/;
/** Create options a plan could smuggle in over HTTP; the engine never reads them, but say so. */
const PRIVILEGE_KEYS = [
  'privileged',
  'capAdd',
  'devices',
  'pidMode',
  'ipcMode',
  'usernsMode',
  'utsMode',
  'cgroupParent',
  'securityOpt',
  'volumesFrom',
  'mounts',
];

function refuse(message: string, rule: string, details: Record<string, unknown> = {}): never {
  throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `Sandbox refused: ${message}`, {
    details: { rule, ...details },
  });
}

function isUnder(child: string, parent: string): boolean {
  if (parent === '/') return child.startsWith('/');
  return child === parent || child.startsWith(`${parent}/`);
}

/**
 * The real path of `p`: symlinks resolved through its deepest existing ancestor, the missing rest
 * appended. A link anywhere along the way is followed, so `ws/escape -> /etc` reads as `/etc`.
 */
export function resolveThroughExisting(p: string, realpath: (p: string) => string): string {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      const real = realpath(current);
      return missing.length === 0 ? real : path.posix.join(real, ...missing.reverse());
    } catch {
      const parent = path.posix.dirname(current);
      if (parent === current) return p;
      missing.push(path.posix.basename(current));
      current = parent;
    }
  }
}

function defaultHomes(): string[] {
  const homes = [process.env.HOME, os.homedir()].filter((h): h is string => !!h && h !== '/');
  return [...new Set(homes.map((h) => path.posix.normalize(h)))];
}

/** Why a host path may not be mounted, or undefined when it may. */
export function blockedReason(p: string, homeDirs: readonly string[]): string | undefined {
  if (BLOCKED_EXACT.includes(p)) return 'the root of the filesystem';
  if (SOCKET_NAME.test(path.posix.basename(p))) return 'a container engine socket';
  const tree = BLOCKED_TREES.find((t) => isUnder(p, t));
  if (tree) return `a system folder (${tree})`;
  for (const home of homeDirs) {
    const secret = HOME_SECRETS.find((name) => isUnder(p, path.posix.join(home, name)));
    if (secret) return `a credential folder (~/${secret})`;
  }
  return undefined;
}

function checkSource(bind: SandboxBind, plan: SandboxPlan, opts: Required<PolicyOptions>): void {
  const { source } = bind;
  if (!path.posix.isAbsolute(source))
    refuse(
      `bind source "${source}" is not an absolute path (named volumes are not allowed). Use an absolute folder under the sandbox workspace roots.`,
      'bind-source-relative',
      { source },
    );
  if (source.split('/').includes('..'))
    refuse(
      `bind source "${source}" contains "..". Write the folder's plain absolute path.`,
      'bind-source-dotdot',
      {
        source,
      },
    );
  const normal = path.posix.normalize(source).replace(/(.)\/+$/, '$1');
  const real = resolveThroughExisting(normal, opts.realpath);
  for (const candidate of new Set([normal, real])) {
    const why = blockedReason(candidate, opts.homeDirs);
    if (why) {
      const via = candidate === normal ? '' : ` (it resolves to "${candidate}" through a symlink)`;
      refuse(
        `bind source "${source}" is ${why}${via}, which a sandbox may never mount. Remove it from agents.*.sandbox.docker.binds.`,
        'bind-source-blocked',
        { source, resolved: candidate },
      );
    }
  }
  if (plan.allowExternalBindSources) return;
  const roots = plan.allowedBindRoots.flatMap((r) => {
    const n = path.posix.normalize(r);
    return [n, resolveThroughExisting(n, opts.realpath)];
  });
  const inside = (p: string) => roots.some((root) => isUnder(p, root));
  if (!inside(normal) || !inside(real)) {
    const via = inside(normal) ? ` (through a symlink it is "${real}")` : '';
    refuse(
      `bind source "${source}"${via} is outside the sandbox workspace roots (${plan.allowedBindRoots.join(', ')}). Move the folder under a workspace root, or allow external bind sources explicitly in the sandbox config.`,
      'bind-source-outside-roots',
      { source, resolved: real },
    );
  }
}

function isWorkspaceMount(bind: SandboxBind, plan: SandboxPlan): boolean {
  return (
    (bind.target === plan.spec.workdir && bind.source === plan.workspaceDir) ||
    (bind.target === SANDBOX_DEFAULTS.agentMount && bind.source === plan.agentWorkspaceDir)
  );
}

function checkTarget(bind: SandboxBind, plan: SandboxPlan): void {
  const { target } = bind;
  if (!path.posix.isAbsolute(target) || target.split('/').includes('..'))
    refuse(
      `bind target "${target}" must be an absolute path without "..".`,
      'bind-target-invalid',
      {
        target,
      },
    );
  if (isWorkspaceMount(bind, plan)) return;
  const reserved = [SANDBOX_DEFAULTS.workdir, SANDBOX_DEFAULTS.agentMount, plan.spec.workdir];
  const hit = reserved.find((r) => isUnder(path.posix.normalize(target), r));
  if (hit)
    refuse(
      `bind target "${target}" is inside ${hit}, which is reserved for the workspace mounts. Mount it somewhere else (e.g. /mnt/...).`,
      'bind-target-reserved',
      { target },
    );
}

function checkProfile(kind: 'seccomp' | 'apparmor', value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  if (value.trim().toLowerCase() === 'unconfined')
    refuse(
      `${kind}Profile "unconfined" turns off a kernel protection. Remove agents.*.sandbox.docker.${kind}Profile or name a real profile.`,
      `${kind}-unconfined`,
    );
  // A seccomp profile may be inline JSON; a name or a path must not carry other options.
  if (kind === 'seccomp' && value.trim().startsWith('{')) return;
  if (!PROFILE_NAME.test(value.trim()))
    refuse(`${kind}Profile "${value}" is not a profile name or path.`, `${kind}-invalid`);
}

/** Throws an OpenClawError (INVALID_ARGUMENT, details.rule) for the first thing the plan may not do. */
export function checkSandboxPlan(plan: SandboxPlan, options: PolicyOptions): void {
  const opts: Required<PolicyOptions> = {
    allowedImages: options.allowedImages,
    homeDirs: options.homeDirs ?? defaultHomes(),
    realpath: options.realpath ?? realpathSync,
  };
  const { spec } = plan;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(plan.containerName))
    refuse(`container name "${plan.containerName}" is not a valid Docker name.`, 'container-name');
  if (!opts.allowedImages.includes(spec.image))
    refuse(
      `image "${spec.image}" is not a configured sandbox image (allowed: ${opts.allowedImages.join(', ') || 'none'}). Set agents.*.sandbox.docker.image to one of them, or add it to the sandbox images sandboxd starts with.`,
      'image-not-allowed',
      { image: spec.image },
    );
  const network = spec.network.trim().toLowerCase();
  if (network === 'host' || network.startsWith('container:'))
    refuse(
      `network "${spec.network}" shares the host's or another container's network. Use "none" (the default), "bridge" or a named network.`,
      'network-shared',
      { network: spec.network },
    );
  const smuggled = PRIVILEGE_KEYS.filter((k) => k in (spec as object));
  if (smuggled.length > 0)
    refuse(
      `the container spec asks for ${smuggled.join(', ')}; sandbox containers never get extra privileges or devices.`,
      'privileged',
      { keys: smuggled },
    );
  checkProfile('seccomp', spec.seccompProfile);
  checkProfile('apparmor', spec.apparmorProfile);
  if (!path.posix.isAbsolute(spec.workdir))
    refuse(`workdir "${spec.workdir}" must be an absolute path.`, 'workdir-invalid');
  for (const bind of spec.binds) {
    checkSource(bind, plan, opts);
    checkTarget(bind, plan);
  }
}
