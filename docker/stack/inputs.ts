/**
 * The setup inputs (`docker-setup.sh` environment variables, or the desktop app's wizard values
 * passed the same way), parsed and validated in one place before anything is written. Every
 * problem is reported at once, each naming the variable, the bad value and what to do, so a user
 * fixes them in one round instead of one per run.
 */
import os from 'node:os';
import path from 'node:path';
import { checkImageReference, parseAptPackages } from './build-inputs.js';
import { checkHostSource, comparablePath, stripTrailingSeparators } from './host-paths.js';
import { parseExtraMounts, parseHomeVolume, type ExtraMount, type HomeVolume } from './mounts.js';
import {
  checkPublishAddress,
  isLoopbackPublish,
  LOOPBACK_PUBLISH_ADDRESS,
  systemInterfaces,
  type InterfaceSource,
} from './publish-address.js';

export type GatewayBind = 'loopback' | 'lan';

export interface SetupInputs {
  /** Host folder mounted at /home/node/.openclaw. */
  configDir: string;
  /** Host folder mounted at /home/node/.openclaw/workspace. */
  workspaceDir: string;
  /** Host port (the container port is always 18789). */
  gatewayPort: number;
  /**
   * Host address the port is published on: 127.0.0.1 (this computer only), 0.0.0.0 (every
   * network) or one of this host's IPv4 addresses.
   */
  publishAddress: string;
  /** `--bind` inside the container: lan (reachable through the published port) or loopback. */
  gatewayBind: GatewayBind;
  /** Only when given explicitly; `resolveSetupToken` decides the token otherwise. */
  gatewayToken: string | undefined;
  image: string;
  extraMounts: ExtraMount[];
  homeVolume: HomeVolume | undefined;
  aptPackages: string[];
  /** Build-arg overrides for the base images; undefined = the build's default. */
  nodeImage: string | undefined;
  baseImage: string | undefined;
}

export interface SetupInputProblem {
  /** The variable, e.g. OPENCLAW_EXTRA_MOUNTS. */
  input: string;
  /** The offending value (for mounts and packages: the one bad entry). */
  value: string;
  /** What is wrong and what to do. */
  message: string;
}

export type ParseSetupInputsResult =
  { ok: true; value: SetupInputs; warnings: string[] } | { ok: false; errors: SetupInputProblem[] };

export interface ParseSetupInputsOptions {
  /** Base for the default config dir (`<home>/.openclaw`); default os.homedir(). */
  homeDir?: string;
  /** This host's network interfaces (checks OPENCLAW_GATEWAY_PUBLISH_ADDRESS); default the OS's. */
  interfaces?: InterfaceSource;
}

export const DEFAULT_GATEWAY_PORT = 18789;
export const DEFAULT_IMAGE = 'openclaw:local';
export const MIN_TOKEN_LENGTH = 16;
const MAX_TOKEN_LENGTH = 512;
/** Printable ASCII without the characters `.env` parsers treat specially (quotes, `$`, `#`, `\`). */
const TOKEN_PATTERN = /^[!%&(-[\]-_a-~]+$/;

/** Why a token cannot be written to `.env` as is, or undefined when it can. */
export function checkTokenCharacters(token: string): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return `is longer than ${MAX_TOKEN_LENGTH} characters`;
  if (!TOKEN_PATTERN.test(token)) {
    return 'contains spaces, quotes, "$", "#", "\\" or non-ASCII characters; use letters, digits and -._~+/= (for example: openssl rand -hex 32)';
  }
  return undefined;
}

function envValue(
  env: Readonly<Record<string, string | undefined>>,
  key: string,
): string | undefined {
  const v = env[key];
  if (v === undefined) return undefined;
  const trimmed = v.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parsePort(value: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Parse and validate. Defaults: config dir `<home>/.openclaw`, workspace `<config>/workspace`,
 * port 18789 published on 127.0.0.1, bind lan, image openclaw:local, no extras.
 */
export function parseSetupInputs(
  env: Readonly<Record<string, string | undefined>>,
  options: ParseSetupInputsOptions = {},
): ParseSetupInputsResult {
  const homeDir = options.homeDir ?? os.homedir();
  const errors: SetupInputProblem[] = [];
  const warnings: string[] = [];
  const fail = (input: string, value: string, message: string): void => {
    errors.push({ input, value, message });
  };

  const hostDir = (key: string, fallback: string): string => {
    const raw = envValue(env, key) ?? fallback;
    const value = stripTrailingSeparators(raw);
    const problem = checkHostSource(value, { homeDir });
    if (problem) fail(key, raw, `${key} ${raw} ${problem}`);
    return value;
  };
  const configDir = hostDir('OPENCLAW_CONFIG_DIR', path.join(homeDir, '.openclaw'));
  const workspaceDir = hostDir('OPENCLAW_WORKSPACE_DIR', path.join(configDir, 'workspace'));
  if (comparablePath(configDir) === comparablePath(workspaceDir)) {
    fail(
      'OPENCLAW_WORKSPACE_DIR',
      workspaceDir,
      'OPENCLAW_WORKSPACE_DIR is the same folder as OPENCLAW_CONFIG_DIR; use a sub-folder such as <config>/workspace',
    );
  }

  const portRaw = envValue(env, 'OPENCLAW_GATEWAY_PORT');
  let gatewayPort = DEFAULT_GATEWAY_PORT;
  if (portRaw !== undefined) {
    const port = parsePort(portRaw);
    if (port === undefined)
      fail(
        'OPENCLAW_GATEWAY_PORT',
        portRaw,
        'OPENCLAW_GATEWAY_PORT must be a port number between 1 and 65535, e.g. 18789',
      );
    else gatewayPort = port;
  }

  const publishRaw = envValue(env, 'OPENCLAW_GATEWAY_PUBLISH_ADDRESS');
  let publishAddress = LOOPBACK_PUBLISH_ADDRESS;
  if (publishRaw !== undefined) {
    const problem = checkPublishAddress(publishRaw, (options.interfaces ?? systemInterfaces)());
    if (problem)
      fail(
        'OPENCLAW_GATEWAY_PUBLISH_ADDRESS',
        publishRaw,
        `OPENCLAW_GATEWAY_PUBLISH_ADDRESS ${publishRaw} ${problem}`,
      );
    else publishAddress = publishRaw;
  }

  const bindRaw = envValue(env, 'OPENCLAW_GATEWAY_BIND');
  let gatewayBind: GatewayBind = 'lan';
  if (bindRaw !== undefined) {
    const bind = bindRaw.toLowerCase();
    if (bind === 'lan' || bind === 'loopback') gatewayBind = bind;
    else {
      fail(
        'OPENCLAW_GATEWAY_BIND',
        bindRaw,
        'OPENCLAW_GATEWAY_BIND must be "lan" (reachable through the published port) or "loopback" (inside the container only)',
      );
    }
  }
  if (gatewayBind === 'loopback') {
    warnings.push(
      'OPENCLAW_GATEWAY_BIND=loopback: the gateway listens inside the container only, so the Control UI is not reachable from this machine (the CLI container still works). Use lan to reach it at http://127.0.0.1:' +
        gatewayPort,
    );
  }

  if (!isLoopbackPublish(publishAddress) && gatewayBind === 'lan') {
    warnings.push(
      `OPENCLAW_GATEWAY_PUBLISH_ADDRESS=${publishAddress}: other devices on the network can reach the gateway on port ${gatewayPort}. The token is always required, and every new browser still needs your approval (devices approve).`,
    );
  }

  const token = envValue(env, 'OPENCLAW_GATEWAY_TOKEN');
  if (token !== undefined) {
    const problem = checkTokenCharacters(token);
    if (problem) fail('OPENCLAW_GATEWAY_TOKEN', '(hidden)', `OPENCLAW_GATEWAY_TOKEN ${problem}`);
    else if (token.length < MIN_TOKEN_LENGTH) {
      fail(
        'OPENCLAW_GATEWAY_TOKEN',
        '(hidden)',
        `OPENCLAW_GATEWAY_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters; use a long random value (openssl rand -hex 32) or leave it unset to generate one`,
      );
    }
  }

  const image = envValue(env, 'OPENCLAW_IMAGE') ?? DEFAULT_IMAGE;
  const imageProblem = checkImageReference(image);
  if (imageProblem) fail('OPENCLAW_IMAGE', image, `OPENCLAW_IMAGE ${image} ${imageProblem}`);

  const optionalImage = (key: string): string | undefined => {
    const value = envValue(env, key);
    if (value === undefined) return undefined;
    const problem = checkImageReference(value);
    if (problem) fail(key, value, `${key} ${value} ${problem}`);
    return value;
  };
  const nodeImage = optionalImage('OPENCLAW_NODE_IMAGE');
  const baseImage = optionalImage('OPENCLAW_BASE_IMAGE');

  const mounts = parseExtraMounts(env.OPENCLAW_EXTRA_MOUNTS, { homeDir });
  for (const p of mounts.problems) fail('OPENCLAW_EXTRA_MOUNTS', p.value, p.message);
  for (const m of mounts.mounts) {
    if (!m.readOnly) {
      warnings.push(
        `extra mount ${m.source} → ${m.target} is writable by the gateway; add :ro if it only needs to read`,
      );
    }
  }

  const home = parseHomeVolume(env.OPENCLAW_HOME_VOLUME, { homeDir });
  if (home.problem)
    fail(
      'OPENCLAW_HOME_VOLUME',
      env.OPENCLAW_HOME_VOLUME ?? '',
      `OPENCLAW_HOME_VOLUME ${home.problem}`,
    );
  if (home.homeVolume?.kind === 'bind') {
    const src = comparablePath(home.homeVolume.source);
    if (src === comparablePath(configDir) || src === comparablePath(workspaceDir)) {
      fail(
        'OPENCLAW_HOME_VOLUME',
        home.homeVolume.source,
        'OPENCLAW_HOME_VOLUME is the config or workspace folder; give the home volume its own folder or a volume name',
      );
    }
  }

  const apt = parseAptPackages(env.OPENCLAW_DOCKER_APT_PACKAGES);
  for (const p of apt.problems)
    fail('OPENCLAW_DOCKER_APT_PACKAGES', p.value, `OPENCLAW_DOCKER_APT_PACKAGES: ${p.message}`);
  if (apt.packages.length > 0 && image !== DEFAULT_IMAGE) {
    warnings.push(
      `OPENCLAW_DOCKER_APT_PACKAGES only applies to a local build (OPENCLAW_IMAGE=${DEFAULT_IMAGE}); ${image} is used as is`,
    );
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    warnings,
    value: {
      configDir,
      workspaceDir,
      gatewayPort,
      publishAddress,
      gatewayBind,
      gatewayToken: token,
      image,
      extraMounts: mounts.mounts,
      homeVolume: home.homeVolume,
      aptPackages: apt.packages,
      nodeImage,
      baseImage,
    },
  };
}

/** One readable block for a CLI (`ERROR: ...` lines) or a wizard summary. */
export function formatSetupInputProblems(errors: readonly SetupInputProblem[]): string {
  return errors.map((e) => `- ${e.message}`).join('\n');
}
