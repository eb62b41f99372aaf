/**
 * Validation of the sandbox keys: `agents.defaults.sandbox`, `agents.list[].sandbox` and
 * `tools.sandbox.tools` (global and per agent). Settings that would weaken the container's
 * isolation (host network, joining another container's namespaces without the explicit flag,
 * `unconfined` profiles, bind sources that are not absolute paths) are refused here, with the
 * path, so the user sees them when the config loads rather than when a run starts.
 */
import { isPlainObject } from './json-value.js';
import {
  arrayOf,
  bool,
  byShape,
  type Check,
  describe,
  looseObject,
  num,
  obj,
  oneOf,
  str,
} from './config-checks.js';
import { joinConfigPath } from './config-path.js';
import {
  type ConfigIssue,
  SANDBOX_MODES,
  SANDBOX_SCOPES,
  SANDBOX_WORKSPACE_ACCESS,
  type SandboxConfig,
  type SandboxToolPolicyConfig,
  type SandboxUlimitConfig,
} from './config-types.js';

const nonEmpty = str({ nonEmpty: true });
const nonNegativeInt = num({ integer: true, min: 0 });
const port = num({ integer: true, min: 1, max: 65535 });
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ULIMIT_NAME = /^[a-z]+$/;

/** `/abs/source:/abs/target` with optional `:ro`/`:rw`/`:z`… options. */
export function parseBindSpec(
  spec: string,
): { source: string; target: string; options: string[] } | undefined {
  const parts = spec.trim().split(':');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [source, target, opts] = parts as [string, string, string | undefined];
  if (source === '' || target === '') return undefined;
  return { source, target, options: opts ? opts.split(',').filter(Boolean) : [] };
}

function bindProblem(value: string): string | undefined {
  const parsed = parseBindSpec(value);
  if (!parsed)
    return 'must be "/host/path:/container/path" with optional ":ro" (e.g. "/srv/data:/data:ro")';
  if (!parsed.source.startsWith('/'))
    return `the source "${parsed.source}" must be an absolute host path (named volumes are not allowed)`;
  if (!parsed.target.startsWith('/'))
    return `the target "${parsed.target}" must be an absolute path inside the container`;
  const unknown = parsed.options.filter((o) => !['ro', 'rw', 'z', 'Z'].includes(o));
  if (unknown.length > 0)
    return `unknown bind option "${unknown.join(',')}"; use "ro", "rw", "z" or "Z"`;
  return undefined;
}

const bindCheck = str({ refine: bindProblem });

function unconfinedProblem(value: string): string | undefined {
  return value.trim().toLowerCase() === 'unconfined'
    ? '"unconfined" turns off the profile and is not allowed in a sandbox; leave it unset for the default profile'
    : undefined;
}

function networkProblem(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return 'must be a network name such as "none" or "bridge"';
  if (v === 'host')
    return '"host" gives the sandbox the host\'s network and is not allowed; use "none" (the default) or "bridge"';
  return undefined;
}

const ulimitCheck: Check<SandboxUlimitConfig> = byShape<SandboxUlimitConfig>(
  (v) =>
    typeof v === 'number'
      ? nonNegativeInt
      : typeof v === 'string'
        ? str({
            pattern: /^\d+(:\d+)?$/,
            patternHint: 'must be "N" or "soft:hard" like "1024:2048"',
          })
        : isPlainObject(v)
          ? obj({ soft: nonNegativeInt, hard: nonNegativeInt })
          : undefined,
  'must be a number, "soft:hard" or {soft, hard}',
);

const recordOf =
  <T>(key: { pattern: RegExp; hint: string }, value: Check<T>): Check<Record<string, T>> =>
  (raw, path, issues) => {
    if (!isPlainObject(raw)) {
      issues.push({ path, message: `must be an object (got ${describe(raw)})` });
      return undefined;
    }
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(raw)) {
      const childPath = joinConfigPath(path, k);
      if (!key.pattern.test(k)) {
        issues.push({ path: childPath, message: key.hint });
        continue;
      }
      const checked = value(v, childPath, issues);
      if (checked !== undefined) out[k] = checked;
    }
    return out;
  };

const sizeCheck: Check<string | number> = byShape<string | number>(
  (v) =>
    typeof v === 'number'
      ? num({ integer: true, min: 1 })
      : typeof v === 'string'
        ? str({
            pattern: /^\s*\d+(\.\d+)?\s*[bkmgBKMG]?\s*$/,
            patternHint: 'must be a size like "512m" or "2g"',
          })
        : undefined,
  'must be a size like "512m" or a number of bytes',
);

function namespaceJoinRefine(
  network: string | undefined,
  allowJoin: boolean | undefined,
  path: string,
  issues: ConfigIssue[],
): void {
  if (network?.trim().toLowerCase().startsWith('container:') && allowJoin !== true) {
    issues.push({
      path,
      message:
        '"container:…" joins another container\'s network namespace; set docker.dangerouslyAllowContainerNamespaceJoin: true in the same block if you really mean it',
    });
  }
}

const dockerCheck = obj(
  {
    image: nonEmpty,
    containerPrefix: str({
      pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
      patternHint:
        'must start with a letter or digit and use only letters, digits, "_", "." or "-"',
    }),
    workdir: str({ pattern: /^\//, patternHint: 'must be an absolute path like "/workspace"' }),
    readOnlyRoot: bool(),
    tmpfs: arrayOf(str({ pattern: /^\//, patternHint: 'must be an absolute path like "/tmp"' })),
    network: str({ refine: networkProblem }),
    user: str(),
    capDrop: arrayOf(nonEmpty),
    env: recordOf(
      { pattern: ENV_NAME, hint: 'must be an environment variable name like LANG' },
      str(),
    ),
    setupCommand: byShape<string | string[]>(
      (v) => (typeof v === 'string' ? str() : Array.isArray(v) ? arrayOf(str()) : undefined),
      'must be a shell command or an array of lines',
    ),
    pidsLimit: num({ integer: true, min: 1 }),
    memory: sizeCheck,
    memorySwap: sizeCheck,
    cpus: num({ min: 0.01 }),
    gpus: nonEmpty,
    ulimits: recordOf(
      { pattern: ULIMIT_NAME, hint: 'must be a ulimit name like nofile or nproc' },
      ulimitCheck,
    ),
    seccompProfile: str({ nonEmpty: true, refine: unconfinedProblem }),
    apparmorProfile: str({ nonEmpty: true, refine: unconfinedProblem }),
    dns: arrayOf(str()),
    extraHosts: arrayOf(
      str({ pattern: /^[^\s:]+:\S+$/, patternHint: 'must be "host:ip" like "db.local:10.0.0.5"' }),
    ),
    binds: arrayOf(bindCheck),
    dangerouslyAllowReservedContainerTargets: bool(),
    dangerouslyAllowExternalBindSources: bool(),
    dangerouslyAllowContainerNamespaceJoin: bool(),
  },
  {
    refine: (out, _raw, path, issues) =>
      namespaceJoinRefine(
        out.network,
        out.dangerouslyAllowContainerNamespaceJoin,
        joinConfigPath(path, 'network'),
        issues,
      ),
  },
);

const browserCheck = obj({
  enabled: bool(),
  image: nonEmpty,
  containerPrefix: str({
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
    patternHint: 'must start with a letter or digit and use only letters, digits, "_", "." or "-"',
  }),
  network: str({ refine: networkProblem }),
  cdpPort: port,
  cdpSourceRange: nonEmpty,
  vncPort: port,
  noVncPort: port,
  headless: bool(),
  noVncEnabled: bool(),
  enableNoVnc: bool(),
  allowHostControl: bool(),
  autoStart: bool(),
  autoStartTimeoutMs: num({ integer: true, min: 1 }),
  binds: arrayOf(bindCheck),
});

function backendProblem(value: string): string | undefined {
  return value === 'docker'
    ? undefined
    : `only the "docker" backend is supported (got "${value}"); remove backend or set it to "docker"`;
}

const sandboxFields = obj(
  {
    mode: oneOf(SANDBOX_MODES),
    backend: str({ refine: backendProblem }),
    workspaceAccess: oneOf(SANDBOX_WORKSPACE_ACCESS),
    sessionToolsVisibility: oneOf(['spawned', 'all'] as const),
    scope: oneOf(SANDBOX_SCOPES),
    perSession: bool(),
    workspaceRoot: nonEmpty,
    docker: dockerCheck,
    ssh: looseObject(),
    browser: browserCheck,
    prune: obj({ idleHours: nonNegativeInt, maxAgeDays: nonNegativeInt }),
  },
  {
    refine: (out, _raw, path, issues) =>
      namespaceJoinRefine(
        out.browser?.network,
        out.docker?.dangerouslyAllowContainerNamespaceJoin,
        joinConfigPath(joinConfigPath(path, 'browser'), 'network'),
        issues,
      ),
  },
);

export const sandboxConfigCheck: Check<SandboxConfig> = (value, path, issues) => {
  const out = sandboxFields(value, path, issues);
  if (!out) return undefined;
  const { backend, ...rest } = out;
  return backend === 'docker' ? { ...rest, backend } : rest;
};

const toolPolicyFields = obj(
  { allow: arrayOf(nonEmpty), alsoAllow: arrayOf(nonEmpty), deny: arrayOf(nonEmpty) },
  {
    refine: (out, _raw, path, issues) => {
      if ((out.allow?.length ?? 0) > 0 && (out.alsoAllow?.length ?? 0) > 0) {
        issues.push({
          path: joinConfigPath(path, 'alsoAllow'),
          message:
            'cannot be combined with a non-empty allow list; put these tools in allow instead (alsoAllow adds to the default list)',
        });
      }
    },
  },
);

/** `tools.sandbox` (global or per agent): only `tools.{allow, alsoAllow, deny}` so far. */
export const sandboxToolsSectionCheck: Check<{ tools?: SandboxToolPolicyConfig }> = obj({
  tools: toolPolicyFields,
});
