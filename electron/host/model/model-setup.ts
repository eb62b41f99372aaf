/**
 * The Model step's decisions: what is configured now (with the key shown only as a hint), which
 * models each provider offers, the local Ollama, Test, and Save. Save tests first and writes
 * nothing unless the call succeeded; then the key goes to the agent's auth profile (0600) and the
 * provider and primary model to `openclaw.json` through the config store, against the hash read
 * before the test, so an edit made meanwhile is not overwritten.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  authProfilesPath,
  profileKeyFor,
  readAuthProfiles,
  saveAuthProfileKey,
} from '../../../gateway/agent/providers/auth-profiles.js';
import {
  loadConfigSnapshot,
  snapshotFromRaw,
  updateConfigDocument,
} from '../../../gateway/config/config-store.js';
import { cloneJson, isPlainObject } from '../../../gateway/config/json-value.js';
import type { StatePaths } from '../../../gateway/config/paths.js';
import { writeFileAtomic } from '../../../gateway/infra/atomic-write.js';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  systemErrorCode,
} from '../../../gateway/infra/errors.js';
import { callModelOnce, type CallProblem } from './model-call.js';
import { assumeSet, readModelView, stateDirReady, type ModelSetupView } from './model-view.js';

export type { CurrentModel, ModelSetupView } from './model-view.js';
import { applyModelPlan } from './model-config.js';
import { planModelSetup, type ModelPlan, type ModelSetupInput } from './model-input.js';
import { viewsSentence } from './local-url.js';
import { probeOllama, LOOPBACK_ONLY_HINT, type OllamaProbe } from './ollama-probe.js';
import { KIND_INFO, MODEL_KINDS, isBuiltInKind, type ModelKind } from './provider-kinds.js';

export interface KindCatalog {
  kind: ModelKind;
  label: string;
  needsKey: boolean;
  keyPage?: string;
  defaultModel?: string;
  models: Array<{ id: string; name: string }>;
}

export type ModelCallResult =
  | {
      ok: true;
      ref: string;
      answer: string;
      durationMs: number;
      /** Both views of a local address in one sentence. */
      where?: string;
      /** Worth knowing, not blocking (the container may not reach a loopback-only Ollama). */
      warning?: string;
      saved?: boolean;
    }
  | { ok: false; problem: CallProblem };

export interface ModelSetupOptions {
  /** The gateway's state dir on this computer (the folder mounted into the container). */
  statePaths: () => StatePaths;
  platform: NodeJS.Platform;
  agentId?: string;
  /** Tests: where Ollama is, the host's non-loopback addresses, call deadline. */
  ollamaUrl?: string;
  hostAddresses?: () => string[];
  timeoutMs?: number;
}

function fail(
  field: CallProblem['field'],
  message: string,
  nextStep: string,
  code = 'INVALID_ARGUMENT',
): ModelCallResult {
  return { ok: false, problem: { ...(field ? { field } : {}), code, message, nextStep } };
}

export class ModelSetup {
  constructor(private readonly options: ModelSetupOptions) {}

  private get agentId(): string {
    return this.options.agentId ?? 'main';
  }

  view(): Promise<ModelSetupView> {
    return readModelView(this.options.statePaths(), this.agentId);
  }

  /** Each provider's models from the gateway's catalog (loaded on first use). */
  async catalog(): Promise<KindCatalog[]> {
    const { ModelCatalog } = await import('../../../gateway/agent/providers/model-catalog.js');
    const all = ModelCatalog.fromConfig(undefined).list();
    return MODEL_KINDS.map((kind) => {
      const info = KIND_INFO[kind];
      const models = isBuiltInKind(kind)
        ? all
            .filter((m) => m.provider === kind)
            .map((m) => ({ id: m.model.id, name: m.model.name || m.model.id }))
        : [];
      return {
        kind,
        label: info.label,
        needsKey: info.needsKey,
        ...(info.keyPage ? { keyPage: info.keyPage } : {}),
        ...(info.defaultModel ? { defaultModel: info.defaultModel } : {}),
        models,
      };
    });
  }

  ollama(url?: string): Promise<OllamaProbe> {
    return probeOllama({
      url: url ?? this.options.ollamaUrl,
      platform: this.options.platform,
      hostAddresses: this.options.hostAddresses,
    });
  }

  test(input: ModelSetupInput): Promise<ModelCallResult> {
    return this.run(input, false);
  }

  save(input: ModelSetupInput): Promise<ModelCallResult> {
    return this.run(input, true);
  }

  private async run(input: ModelSetupInput, save: boolean): Promise<ModelCallResult> {
    const planned = planModelSetup(input);
    if (!planned.ok)
      return fail(planned.problem.field, planned.problem.message, 'Correct it, then test again.');
    const plan = planned.plan;
    const paths = this.options.statePaths();
    if (!(await stateDirReady(paths)))
      return fail(
        undefined,
        'The gateway is not set up yet.',
        'Run the setup first; the model is chosen right after it.',
        'NOT_FOUND',
      );
    const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
    if (snapshot.exists && !isPlainObject(snapshot.parsed))
      return fail(
        undefined,
        `openclaw.json cannot be read: ${snapshot.issues[0]?.message ?? 'unknown problem'}.`,
        `Fix or restore ${paths.configPath} (the last good copy is openclaw.json.bak), then try again.`,
        'CONFIG_INVALID',
      );
    const profiles = await readAuthProfiles(paths, this.agentId);
    const hasProfileKey =
      plan.key !== undefined || profileKeyFor(profiles, plan.providerId) !== undefined;
    const doc = isPlainObject(snapshot.parsed) ? (snapshot.parsed as Record<string, unknown>) : {};
    const configKey = (
      (doc.models as Record<string, unknown> | undefined)?.providers as
        Record<string, unknown> | undefined
    )?.[plan.providerId];
    const hasConfigKey = isPlainObject(configKey) && configKey.apiKey !== undefined;
    if (KIND_INFO[plan.kind].needsKey && !hasProfileKey && !hasConfigKey)
      return fail(
        'apiKey',
        `Paste your ${KIND_INFO[plan.kind].label} API key.`,
        KIND_INFO[plan.kind].keyPage
          ? `You get one at ${KIND_INFO[plan.kind].keyPage}.`
          : 'Then test again.',
      );
    if (isBuiltInKind(plan.kind)) {
      const known = (await this.catalog()).find((c) => c.kind === plan.kind)?.models ?? [];
      if (!known.some((m) => m.id === plan.modelId))
        return fail(
          'model',
          `“${plan.modelId}” is not a ${KIND_INFO[plan.kind].label} model the gateway knows.`,
          'Pick one from the list.',
          'MODEL_NOT_FOUND',
        );
    }

    // The test runs on this computer: the host's view of the address and the new key in memory.
    const forTest = cloneJson(doc);
    applyModelPlan(forTest, plan, { view: 'host', hasProfileKey, keyInMemory: plan.key });
    const testConfig = snapshotFromRaw(paths.configPath, JSON.stringify(forTest), {}).config;
    const outcome = await callModelOnce({
      config: testConfig,
      env: {},
      agentsDir: paths.agentsDir,
      agentId: this.agentId,
      plan,
      timeoutMs: this.options.timeoutMs,
    });
    if (!outcome.ok) return outcome;
    const where = plan.views ? viewsSentence(plan.views) : undefined;
    const warning = await this.reachWarning(plan);
    const result: ModelCallResult = {
      ok: true,
      ref: plan.ref,
      answer: outcome.answer,
      durationMs: outcome.durationMs,
      ...(where ? { where } : {}),
      ...(warning ? { warning } : {}),
    };
    if (!save) return result;
    try {
      await this.write(paths, plan, hasProfileKey, snapshot.hash);
    } catch (err) {
      return { ok: false, problem: saveProblem(err, paths) };
    }
    return { ...result, saved: true };
  }

  private async reachWarning(plan: ModelPlan): Promise<string | undefined> {
    if (plan.kind !== 'ollama' || !plan.views?.local) return undefined;
    const probe = await this.ollama(plan.views.host);
    return probe.containerReach === 'no' ? LOOPBACK_ONLY_HINT : undefined;
  }

  /** Key first (kept to put back), then the config against the hash read before the test. */
  private async write(
    paths: StatePaths,
    plan: ModelPlan,
    hasProfileKey: boolean,
    baseHash: string | null,
  ): Promise<void> {
    const profilesFile = authProfilesPath(paths, this.agentId);
    const previousProfiles =
      plan.key !== undefined ? await fs.readFile(profilesFile, 'utf8').catch(() => null) : null;
    if (plan.key !== undefined)
      await saveAuthProfileKey(paths, this.agentId, { provider: plan.providerId, key: plan.key });
    try {
      await updateConfigDocument(
        paths,
        (doc) => applyModelPlan(doc, plan, { view: 'container', hasProfileKey }),
        {
          baseHash,
          env: await assumeSet(paths.configPath),
        },
      );
    } catch (err) {
      if (plan.key !== undefined) {
        if (previousProfiles === null) await fs.rm(profilesFile, { force: true });
        else
          await writeFileAtomic(profilesFile, previousProfiles, { mode: 0o600, forceMode: true });
      }
      throw err;
    }
    await this.handBack(paths, [paths.configPath, profilesFile]);
  }

  /**
   * Run as root on Linux (sudo, a root service), the files just written belong to root and the
   * gateway (uid 1000 in the container) could no longer read its own key: give them back to the
   * state folder's owner.
   */
  private async handBack(paths: StatePaths, files: string[]): Promise<void> {
    if (this.options.platform !== 'linux' || process.getuid?.() !== 0) return;
    const owner = await fs.stat(paths.stateDir).catch(() => undefined);
    if (!owner || owner.uid === 0) return;
    const dirs = new Set<string>();
    for (const file of files) {
      for (
        let dir = path.dirname(file);
        dir.startsWith(paths.stateDir) && dir !== paths.stateDir;
        dir = path.dirname(dir)
      )
        dirs.add(dir);
    }
    for (const target of [...dirs, ...files])
      await fs.chown(target, owner.uid, owner.gid).catch(() => {});
  }
}

function saveProblem(err: unknown, paths: StatePaths): CallProblem {
  const code = err instanceof OpenClawError ? err.code : (systemErrorCode(err) ?? 'INTERNAL');
  if (code === ErrorCode.CONFIG_CONFLICT)
    return {
      code,
      message:
        'openclaw.json changed while the test ran (the gateway or another window edited it). Nothing was saved.',
      nextStep: 'Save again: the app reads the new file first.',
    };
  if (code === ErrorCode.CONFIG_INVALID)
    return {
      code,
      message: `Nothing was saved: ${errorMessage(err)}`,
      nextStep: `Fix the problems named in ${paths.configPath} (or in the Control UI's Config page), then save again.`,
    };
  if (code === 'EACCES' || code === 'EPERM' || code === ErrorCode.STATE_WRITE_FAILED)
    return {
      code,
      message: `The app may not write to ${paths.stateDir}. Nothing was saved.`,
      nextStep:
        'The folder belongs to the gateway’s container user (uid 1000). Run the app as that user, or set the model with the CLI command shown in Settings.',
    };
  return {
    code,
    message: `Nothing was saved: ${errorMessage(err)}`,
    nextStep: 'Try again; if it keeps failing, open Diagnostics.',
  };
}
