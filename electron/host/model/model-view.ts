/**
 * What the gateway uses now, for the Model form: the primary model, its provider, the address in
 * both views, and where the key comes from — the key itself only as a hint (`sk-…abcd`).
 */
import { promises as fs } from 'node:fs';
import { profileKeyFor, readAuthProfiles } from '../../../gateway/agent/providers/auth-profiles.js';
import { loadConfigSnapshot } from '../../../gateway/config/config-store.js';
import type { AgentModelConfig } from '../../../gateway/config/config-types.js';
import { isSecretRef } from '../../../gateway/config/env-subst.js';
import { isPlainObject } from '../../../gateway/config/json-value.js';
import type { Env, StatePaths } from '../../../gateway/config/paths.js';
import { keyHint } from './key-hint.js';
import { hostViewOf } from './local-url.js';
import {
  MODEL_KINDS,
  NO_KEY_PLACEHOLDER,
  OLLAMA_PLACEHOLDER_KEY,
  OLLAMA_PROVIDER_ID,
  type ModelKind,
} from './provider-kinds.js';

export interface CurrentModel {
  ref: string;
  providerId: string;
  model: string;
  kind?: ModelKind;
  /** As written in the config (the container's view). */
  baseUrl?: string;
  /** The same address from this computer. */
  hostUrl?: string;
  /** `sk-…abcd`: never the key. */
  keyHint?: string;
  /** Where the key comes from, in words. */
  keySource?: string;
}

export interface ModelSetupView {
  /** The gateway's state folder exists (setup has run). */
  ready: boolean;
  current?: CurrentModel;
  /** Problems of the current file that block saving, in words. */
  configProblem?: string;
}

/**
 * The app cannot see the container's environment, so every `${VAR}` the file names is taken as
 * set when validating an edit (the gateway checks them for real when it reloads).
 */
export async function assumeSet(configPath: string): Promise<Env> {
  const raw = await fs.readFile(configPath, 'utf8').catch(() => '');
  const env: Record<string, string> = {};
  for (const match of raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) env[match[1]!] = 'set';
  return env;
}

export function stateDirReady(paths: Pick<StatePaths, 'stateDir'>): Promise<boolean> {
  return fs.stat(paths.stateDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function primaryOf(model: AgentModelConfig | undefined): string | undefined {
  if (typeof model === 'string') return model;
  return model?.primary;
}

function kindOf(providerId: string, hasBaseUrl: boolean): ModelKind | undefined {
  if (
    (MODEL_KINDS as readonly string[]).includes(providerId) &&
    providerId !== 'custom' &&
    providerId !== 'ollama'
  )
    return providerId as ModelKind;
  if (providerId === OLLAMA_PROVIDER_ID) return 'ollama';
  return hasBaseUrl ? 'custom' : undefined;
}

export async function readModelView(paths: StatePaths, agentId: string): Promise<ModelSetupView> {
  const ready = await stateDirReady(paths);
  if (!ready) return { ready };
  const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
  const configProblem =
    snapshot.exists && snapshot.parsed === undefined
      ? `openclaw.json cannot be read: ${snapshot.issues[0]?.message ?? 'unknown problem'}. Fix or restore the file first.`
      : undefined;
  const ref = primaryOf(snapshot.config.agents?.defaults?.model);
  if (!ref || !ref.includes('/')) return { ready, ...(configProblem ? { configProblem } : {}) };
  const providerId = ref.slice(0, ref.indexOf('/'));
  const providerConfig = snapshot.config.models?.providers?.[providerId];
  const current: CurrentModel = {
    ref,
    providerId,
    model: ref.slice(providerId.length + 1),
  };
  const kind = kindOf(providerId, Boolean(providerConfig?.baseUrl));
  if (kind) current.kind = kind;
  if (providerConfig?.baseUrl) {
    current.baseUrl = providerConfig.baseUrl;
    current.hostUrl = hostViewOf(providerConfig.baseUrl);
  }
  const profiles = await readAuthProfiles(paths, agentId).catch(() => undefined);
  const rawKey = isPlainObject(snapshot.parsed)
    ? (
        (
          (snapshot.parsed.models as Record<string, unknown> | undefined)?.providers as
            Record<string, unknown> | undefined
        )?.[providerId] as Record<string, unknown> | undefined
      )?.apiKey
    : undefined;
  const stored = profiles ? profileKeyFor(profiles, providerId) : undefined;
  if (rawKey !== undefined && rawKey !== OLLAMA_PLACEHOLDER_KEY && rawKey !== NO_KEY_PLACEHOLDER) {
    if (isSecretRef(rawKey))
      current.keySource = `a ${rawKey.source} secret (${rawKey.id}) named in openclaw.json`;
    else if (typeof rawKey === 'string' && /\$\{[A-Z0-9_]+\}/.test(rawKey))
      current.keySource = `the variable ${rawKey} in openclaw.json`;
    else if (typeof rawKey === 'string') {
      current.keyHint = keyHint(rawKey);
      current.keySource = 'openclaw.json';
    }
  } else if (stored) {
    current.keyHint = keyHint(stored.key);
    current.keySource = 'stored for the gateway';
  }
  return { ready, current, ...(configProblem ? { configProblem } : {}) };
}
