/**
 * Settings → Sandbox: whether the stack runs sandboxd (the compose overlay setup writes), and the
 * policy in `agents.defaults.sandbox` (mode, scope, workspace access). The policy is written
 * through the config store against the hash the form was read with, so an edit made meanwhile
 * (the gateway, the Control UI, a text editor) is refused instead of overwritten; only these three
 * keys change, everything else under `sandbox` (docker options, prune limits) is kept.
 */
import { existsSync } from 'node:fs';
import { stackFiles } from '../../../docker/stack/stack-dir.js';
import { loadConfigSnapshot, updateConfigDocument } from '../../../gateway/config/config-store.js';
import { isPlainObject } from '../../../gateway/config/json-value.js';
import type { StatePaths } from '../../../gateway/config/paths.js';
import { SANDBOX_DEFAULTS } from '../../../gateway/sandbox/contract.js';
import { assumeSet } from '../model/model-view.js';

/** `off` is what setup writes when sandboxing is turned off; the form offers the other two. */
export type SandboxMode = 'off' | 'non-main' | 'all';
export type SandboxScopeChoice = 'agent' | 'session' | 'shared';
export type SandboxAccess = 'none' | 'ro' | 'rw';

export interface SandboxPolicy {
  mode: Exclude<SandboxMode, 'off'>;
  scope: SandboxScopeChoice;
  workspaceAccess: SandboxAccess;
}

export interface SandboxSettingsView extends Omit<SandboxPolicy, 'mode'> {
  mode: SandboxMode;
  /** The stack runs sandboxd (setup wrote the sandbox overlay). */
  enabled: boolean;
  image: string;
  /** The config file's hash as read; `save` refuses when the file changed since. */
  baseHash: string | null;
  /** openclaw.json cannot be read or parsed: nothing can be saved until it is fixed. */
  configProblem?: string;
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

export class SandboxPolicyStore {
  constructor(
    private readonly options: {
      statePaths: () => StatePaths;
      /** The stack folder, where setup writes the sandbox compose overlay when it is on. */
      stackDir: () => string;
    },
  ) {}

  async view(): Promise<SandboxSettingsView> {
    const paths = this.options.statePaths();
    const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
    const sandbox = snapshot.config.agents?.defaults?.sandbox;
    const image = sandbox?.docker?.image;
    return {
      enabled: existsSync(stackFiles(this.options.stackDir()).sandboxComposeFile),
      mode: pick(sandbox?.mode, ['off', 'non-main', 'all'], 'off'),
      scope: pick(sandbox?.scope, ['agent', 'session', 'shared'], 'agent'),
      workspaceAccess: pick(sandbox?.workspaceAccess, ['none', 'ro', 'rw'], 'none'),
      image: typeof image === 'string' && image.trim() ? image.trim() : SANDBOX_DEFAULTS.image,
      baseHash: snapshot.hash,
      ...(snapshot.exists && snapshot.parsed === undefined
        ? {
            configProblem: `openclaw.json cannot be read: ${snapshot.issues[0]?.message ?? 'unknown problem'}. Fix or restore the file first.`,
          }
        : {}),
    };
  }

  async save(policy: SandboxPolicy, baseHash: string | null): Promise<SandboxSettingsView> {
    const paths = this.options.statePaths();
    await updateConfigDocument(
      paths,
      (doc) => {
        const agents = isPlainObject(doc.agents) ? doc.agents : {};
        const defaults = isPlainObject(agents.defaults) ? agents.defaults : {};
        const current = isPlainObject(defaults.sandbox) ? defaults.sandbox : {};
        return {
          ...doc,
          agents: { ...agents, defaults: { ...defaults, sandbox: { ...current, ...policy } } },
        };
      },
      { baseHash, env: await assumeSet(paths.configPath) },
    );
    return this.view();
  }
}
