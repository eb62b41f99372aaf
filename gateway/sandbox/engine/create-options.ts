/**
 * A checked plan → the Engine API's create body. Pure: the only inputs are the plan, the host
 * paths of its binds (already translated) and the seccomp JSON (already read), so the mapping is
 * tested without an engine. The CLI parses sizes and reads files itself; the API does not.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { SANDBOX_LABELS, SANDBOX_MOUNT_FORMAT_VERSION, type SandboxPlan } from '../contract.js';

/** Layout of the workspace mounts (contract §3.5); part of the labels, as upstream's. */
/** Carries the spec's PATH past the login shell's /etc/profile (see exec-runner). */
export const PREPEND_PATH_ENV = 'OPENCLAW_PREPEND_PATH';

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `512m`, `1g`, `1048576` → bytes; `-1` stays -1 (unlimited swap). */
export function parseByteSize(value: string, field: string): number {
  const text = value.trim().toLowerCase();
  if (text === '-1') return -1;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/.exec(text);
  if (!match)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Sandbox refused: ${field} "${value}" is not a size. Write it like 512m or 2g.`,
      { details: { rule: 'size-invalid', field } },
    );
  return Math.round(Number(match[1]) * UNITS[match[2] || 'b']!);
}

export interface CreateInputs {
  plan: SandboxPlan;
  /** Host path for each of `plan.spec.binds`, same order. */
  hostSources: readonly string[];
  /** The seccomp profile's JSON when the spec names one ('default' is passed by name). */
  seccompJson?: string;
  createdAtMs: number;
}

export function buildCreateOptions(inputs: CreateInputs): Dockerode.ContainerCreateOptions {
  const { plan, hostSources, seccompJson, createdAtMs } = inputs;
  const { spec } = plan;
  const env = { ...spec.env };
  // /etc/profile resets PATH in the login shell, so the spec's PATH rides in another variable.
  if (env.PATH !== undefined) {
    env[PREPEND_PATH_ENV] = env.PATH;
    delete env.PATH;
  }
  env.OPENCLAW_CLI = '1';
  const securityOpt = ['no-new-privileges'];
  if (seccompJson !== undefined) securityOpt.push(`seccomp=${seccompJson}`);
  else if (spec.seccompProfile?.trim()) securityOpt.push(`seccomp=${spec.seccompProfile.trim()}`);
  if (spec.apparmorProfile?.trim()) securityOpt.push(`apparmor=${spec.apparmorProfile.trim()}`);

  const hostConfig: Dockerode.HostConfig = {
    ReadonlyRootfs: spec.readOnlyRoot,
    Tmpfs: Object.fromEntries(spec.tmpfs.map((entry) => splitTmpfs(entry))),
    NetworkMode: spec.network,
    CapDrop: [...spec.capDrop],
    SecurityOpt: securityOpt,
    Init: true,
    Mounts: spec.binds.map((bind, i) => ({
      Type: 'bind' as const,
      Source: hostSources[i]!,
      Target: bind.target,
      ReadOnly: bind.readOnly,
    })),
  };
  const dns = (spec.dns ?? []).map((d) => d.trim()).filter(Boolean);
  if (dns.length > 0) hostConfig.Dns = dns;
  const hosts = (spec.extraHosts ?? []).map((h) => h.trim()).filter(Boolean);
  if (hosts.length > 0) hostConfig.ExtraHosts = hosts;
  if (spec.pidsLimit !== undefined && spec.pidsLimit > 0) hostConfig.PidsLimit = spec.pidsLimit;
  if (spec.memory?.trim()) hostConfig.Memory = parseByteSize(spec.memory, 'docker.memory');
  if (spec.memorySwap?.trim())
    hostConfig.MemorySwap = parseByteSize(spec.memorySwap, 'docker.memorySwap');
  if (spec.cpus !== undefined && spec.cpus > 0) hostConfig.NanoCpus = Math.round(spec.cpus * 1e9);
  const ulimits = Object.entries(spec.ulimits ?? {}).flatMap(([name, { soft, hard }]) => {
    const s = soft ?? hard;
    const h = hard ?? soft;
    return s === undefined || h === undefined ? [] : [{ Name: name, Soft: s, Hard: h }];
  });
  if (ulimits.length > 0) hostConfig.Ulimits = ulimits;

  const labels: Record<string, string> = {
    [SANDBOX_LABELS.sandbox]: '1',
    [SANDBOX_LABELS.scopeKey]: plan.scopeKey,
    [SANDBOX_LABELS.agentId]: plan.agentId,
    [SANDBOX_LABELS.createdAtMs]: String(createdAtMs),
    [SANDBOX_LABELS.configHash]: plan.configHash,
    [SANDBOX_LABELS.mountFormatVersion]: String(SANDBOX_MOUNT_FORMAT_VERSION),
  };
  const options: Dockerode.ContainerCreateOptions = {
    name: plan.containerName,
    Image: spec.image,
    Cmd: ['sleep', 'infinity'],
    WorkingDir: spec.workdir,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    HostConfig: hostConfig,
  };
  if (spec.user?.trim()) options.User = spec.user.trim();
  return options;
}

function splitTmpfs(entry: string): [string, string] {
  const at = entry.indexOf(':');
  return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
}
