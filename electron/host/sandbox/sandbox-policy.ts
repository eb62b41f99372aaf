/**
 * Settings → Sandbox and the wizard's Sandbox step: whether the stack runs sandboxd (the compose
 * overlay setup writes), the policy in `agents.defaults.sandbox` (mode, scope, workspace access)
 * and its image. The policy is written through the config store against the hash the form was
 * read with, so an edit made meanwhile (the gateway, the Control UI, a text editor) is refused
 * instead of overwritten; only these keys change, everything else under `sandbox` (other docker
 * options, prune limits) is kept. Turning the sandbox on or off saves the whole section first
 * (`section`) and puts it back (`restoreSection`) when the switch fails half-way.
 */
import { existsSync } from 'node:fs';
import { stackFiles } from '../../../docker/stack/stack-dir.js';
import { loadConfigSnapshot, updateConfigDocument } from '../../../gateway/config/config-store.js';
import { isPlainObject } from '../../../gateway/config/json-value.js';
import type { StatePaths } from '../../../gateway/config/paths.js';
import { SANDBOX_IMAGES } from '../../../docker/sandbox/sandbox-images.js';
import { keepOwnership, type SetupSandboxPolicy } from '../../../docker/setup/sandbox-config.js';
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

export type SandboxImageKind = 'default' | 'common' | 'custom';

/** The tags the app builds for the two standard choices (tests build under their own). */
export interface StandardSandboxImages {
  default: string;
  common: string;
}

export const STANDARD_SANDBOX_IMAGES: StandardSandboxImages = {
  default: SANDBOX_IMAGES.sandbox.tag,
  common: SANDBOX_IMAGES.common.tag,
};

export interface SandboxSettingsView extends Omit<SandboxPolicy, 'mode'> {
  mode: SandboxMode;
  /** The stack runs sandboxd (setup wrote the sandbox overlay). */
  enabled: boolean;
  image: string;
  imageKind: SandboxImageKind;
  standardImages: StandardSandboxImages;
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
      images?: StandardSandboxImages;
    },
  ) {}

  get standardImages(): StandardSandboxImages {
    return this.options.images ?? STANDARD_SANDBOX_IMAGES;
  }

  /** Whether setup left the sandbox overlay in the stack (sandboxd is part of it). */
  stackEnabled(): boolean {
    return existsSync(stackFiles(this.options.stackDir()).sandboxComposeFile);
  }

  async view(): Promise<SandboxSettingsView> {
    const paths = this.options.statePaths();
    const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
    const sandbox = snapshot.config.agents?.defaults?.sandbox;
    const configured = sandbox?.docker?.image;
    const standard = this.standardImages;
    const image =
      typeof configured === 'string' && configured.trim() ? configured.trim() : standard.default;
    return {
      enabled: this.stackEnabled(),
      mode: pick(sandbox?.mode, ['off', 'non-main', 'all'], 'off'),
      scope: pick(sandbox?.scope, ['agent', 'session', 'shared'], 'agent'),
      workspaceAccess: pick(sandbox?.workspaceAccess, ['none', 'ro', 'rw'], 'none'),
      image,
      imageKind:
        image === standard.default ? 'default' : image === standard.common ? 'common' : 'custom',
      standardImages: standard,
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
    // Run as root, the new file is root's: the gateway (uid 1000) must still read it.
    await keepOwnership(paths.configPath);
    return this.view();
  }
}

/** `agents.defaults.sandbox` as it was before a switch; `undefined` when the key was absent. */
export interface SandboxSectionSnapshot {
  section: unknown;
}

export class SandboxSectionStore {
  constructor(private readonly statePaths: () => StatePaths) {}

  /** The policy in effect when the sandbox is on in openclaw.json; undefined when it is off. */
  async currentPolicy(): Promise<SetupSandboxPolicy | undefined> {
    const paths = this.statePaths();
    const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
    const sandbox = snapshot.config.agents?.defaults?.sandbox;
    if (sandbox?.mode !== 'non-main' && sandbox?.mode !== 'all') return undefined;
    return {
      mode: sandbox.mode,
      scope: pick(sandbox.scope, ['agent', 'session', 'shared'], 'agent'),
      workspaceAccess: pick(sandbox.workspaceAccess, ['none', 'ro', 'rw'], 'none'),
    };
  }

  async section(): Promise<SandboxSectionSnapshot> {
    const paths = this.statePaths();
    const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
    const doc = isPlainObject(snapshot.parsed) ? snapshot.parsed : {};
    const agents = isPlainObject(doc.agents) ? doc.agents : {};
    const defaults = isPlainObject(agents.defaults) ? agents.defaults : {};
    return {
      section: defaults.sandbox === undefined ? undefined : structuredClone(defaults.sandbox),
    };
  }

  /** Sets `agents.defaults.sandbox.docker.image` (sandboxd reads the allowed images at start). */
  async writeImage(image: string): Promise<void> {
    await this.edit((sandbox) => {
      const docker = isPlainObject(sandbox.docker) ? sandbox.docker : {};
      return { ...sandbox, docker: { ...docker, image } };
    });
  }

  /** Puts the section back as `section()` read it (removing it when it was absent). */
  async restoreSection(saved: SandboxSectionSnapshot): Promise<void> {
    await this.edit(() => saved.section);
  }

  private async edit(change: (sandbox: Record<string, unknown>) => unknown): Promise<void> {
    const paths = this.statePaths();
    await updateConfigDocument(
      paths,
      (doc) => {
        const agents = isPlainObject(doc.agents) ? doc.agents : {};
        const defaults = isPlainObject(agents.defaults) ? agents.defaults : {};
        const current = isPlainObject(defaults.sandbox) ? defaults.sandbox : {};
        const next = change(current);
        const { sandbox: _old, ...rest } = defaults;
        const nextDefaults = next === undefined ? rest : { ...rest, sandbox: next };
        return { ...doc, agents: { ...agents, defaults: nextDefaults } };
      },
      { env: await assumeSet(paths.configPath) },
    );
    await keepOwnership(paths.configPath);
  }
}
