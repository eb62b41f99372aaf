/**
 * The agent sandbox inputs of setup (`OPENCLAW_SANDBOX`, `OPENCLAW_DOCKER_SOCKET`), checked before
 * anything is built or written, and the `.env` change that goes with them: the sandboxd secret
 * (kept across re-runs while sandboxing stays on) added, or the sandbox keys removed.
 */
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';
import {
  checkDockerSocket,
  dockerSocketGid,
  parseSandboxInputs,
  SANDBOX_ENV_KEYS,
  sandboxdSecret,
  sandboxEnvValues,
  type SandboxComposeAction,
  type SandboxSettings,
} from '../stack/sandbox-compose.js';
import type { SandboxConfigChange } from './sandbox-config.js';

export type SandboxPlan = SandboxSettings;

export interface SandboxSetupResult {
  enabled: boolean;
  composeAction: SandboxComposeAction;
  configChange: SandboxConfigChange;
  /** Set when sandboxing is on: the sandbox image, and whether this run built it. */
  image?: string;
  imageRebuilt?: boolean;
  imageBuildMs?: number;
}

/** Parses and checks the sandbox inputs; INVALID_ARGUMENT (nothing changed) when they are wrong. */
export async function prepareSandbox(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
): Promise<SandboxPlan> {
  const { settings, problems } = parseSandboxInputs(env);
  if (problems.length > 0) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Setup inputs are invalid; nothing was changed.\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { exitCode: 2 },
    );
  }
  if (!settings.enabled) return settings;
  await checkDockerSocket(settings.socket, platform);
  // Linux: the socket's own group. Docker Desktop hands containers a root-owned socket from its
  // VM, so the group there is root's (a supplementary group only: files stay the node user's).
  const gid = platform === 'linux' ? await dockerSocketGid(settings.socket, platform) : 0;
  return gid === undefined ? settings : { ...settings, socketGid: gid };
}

/** What `.env` gets: the sandbox keys when on (secret reused from `existing`), else their removal. */
export function sandboxEnvUpdate(
  plan: Pick<SandboxPlan, 'enabled'>,
  existing: ReadonlyMap<string, string>,
): { values: Record<string, string>; remove: readonly string[]; secretGenerated: boolean } {
  if (!plan.enabled) return { values: {}, remove: SANDBOX_ENV_KEYS, secretGenerated: false };
  const { secret, generated } = sandboxdSecret(existing.get('OPENCLAW_SANDBOXD_SECRET'));
  return { values: sandboxEnvValues(secret), remove: [], secretGenerated: generated };
}
