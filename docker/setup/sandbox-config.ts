/**
 * The sandbox part of `openclaw.json` that setup owns: `agents.defaults.sandbox` becomes
 * `{mode: "non-main", scope: "agent", workspaceAccess: "none"}` when sandboxing is turned on, and
 * its `mode` becomes "off" when a later run has it off. Everything else the user set there
 * (docker options, prune limits, a workspace root) is kept either way, and per-agent settings are
 * never touched.
 *
 * Written from the host through the config store (validated, locked, backed up) with the hash of
 * the file as read, so an edit made in between (the gateway, the app) is refused instead of lost.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfigSnapshot, updateConfigDocument } from '../../gateway/config/config-store.js';
import { isPlainObject } from '../../gateway/config/json-value.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../gateway/infra/errors.js';

/** What setup sets when sandboxing is turned on (upstream's terminal flow, same values). */
export const SETUP_SANDBOX_DEFAULTS = {
  mode: 'non-main',
  scope: 'agent',
  workspaceAccess: 'none',
} as const;

/**
 * The three keys setup owns. The terminal always gets the defaults; the app passes the policy the
 * user chose (and, on a re-run for another change, the one in effect, so it is not reset).
 */
export interface SetupSandboxPolicy {
  mode: 'non-main' | 'all';
  scope: 'agent' | 'session' | 'shared';
  workspaceAccess: 'none' | 'ro' | 'rw';
}

export type SandboxConfigChange = 'enabled' | 'disabled' | 'unchanged';

/**
 * The document with the sandbox settings for `enabled`; null when nothing needs to change (off and
 * no sandbox configured, or already as wanted). Pure; the input is not modified.
 */
export function withSandboxSetting(
  doc: Readonly<Record<string, unknown>>,
  enabled: boolean,
  policy: SetupSandboxPolicy = SETUP_SANDBOX_DEFAULTS,
): Record<string, unknown> | null {
  const agents = isPlainObject(doc.agents) ? doc.agents : {};
  const defaults = isPlainObject(agents.defaults) ? agents.defaults : {};
  const current = isPlainObject(defaults.sandbox) ? defaults.sandbox : undefined;
  let next: Record<string, unknown>;
  if (enabled) {
    next = { ...current, ...policy };
    if (current && Object.entries(policy).every(([k, v]) => current[k] === v)) return null;
  } else {
    // Off is the default: a config that never had a sandbox stays as it is.
    if (!current || current.mode === undefined || current.mode === 'off') return null;
    next = { ...current, mode: 'off' };
  }
  return { ...doc, agents: { ...agents, defaults: { ...defaults, sandbox: next } } };
}

/**
 * The store writes a new file (and a new backup) as the writing user. When setup runs as root on
 * Linux the container user (uid 1000) must still read them: give them back to the folder's owner.
 */
export async function keepOwnership(configPath: string): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  const dir = path.dirname(configPath);
  const owner = await fs.stat(dir);
  if (owner.uid === 0) return;
  const base = path.basename(configPath);
  for (const name of await fs.readdir(dir)) {
    if (name !== base && !name.startsWith(`${base}.bak`)) continue;
    const file = path.join(dir, name);
    const stat = await fs.lstat(file);
    if (stat.isFile() && stat.uid === 0) await fs.chown(file, owner.uid, owner.gid);
  }
}

/** Applies the setting to `<configDir>/openclaw.json`; returns what changed. */
export async function applySandboxSetting(
  configDir: string,
  enabled: boolean,
  policy: SetupSandboxPolicy = SETUP_SANDBOX_DEFAULTS,
): Promise<SandboxConfigChange> {
  const paths = { configPath: path.join(configDir, 'openclaw.json') };
  // Setup's own environment must not be substituted into the file: validate against an empty one.
  const env = {};
  const snapshot = await loadConfigSnapshot(paths, env);
  if (snapshot.exists && snapshot.parsed === undefined) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${paths.configPath} cannot be parsed, so the sandbox setting could not be ${enabled ? 'turned on' : 'turned off'}: ${snapshot.issues.map((i) => i.message).join('; ')}. Fix the file (a backup is in openclaw.json.bak) and run setup again.`,
    );
  }
  const doc = isPlainObject(snapshot.parsed) ? snapshot.parsed : {};
  if (withSandboxSetting(doc, enabled, policy) === null) return 'unchanged';
  try {
    await updateConfigDocument(
      paths,
      (current) => withSandboxSetting(current, enabled, policy) ?? current,
      {
        env,
        baseHash: snapshot.hash,
      },
    );
  } catch (err) {
    if (err instanceof OpenClawError && err.code === ErrorCode.CONFIG_INVALID) throw err;
    throw new OpenClawError(
      ErrorCode.STATE_WRITE_FAILED,
      `Could not ${enabled ? 'turn on' : 'turn off'} the agent sandbox in ${paths.configPath}: ${errorMessage(err)} Run setup again; if it keeps failing, set agents.defaults.sandbox.mode yourself (openclaw config set agents.defaults.sandbox.mode ${enabled ? policy.mode : 'off'}).`,
      { cause: err },
    );
  }
  await keepOwnership(paths.configPath);
  return enabled ? 'enabled' : 'disabled';
}
