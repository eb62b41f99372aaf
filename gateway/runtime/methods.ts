/**
 * The gateway's RPC methods. Params are validated by the protocol package's validators (named per
 * handler) before a handler runs; scopes are checked by the connection before that.
 */
import JSON5 from 'json5';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import {
  REDACTED_PLACEHOLDER,
  redactConfigForClient,
  restoreRedactedSecrets,
} from '../config/config-redact.js';
import { patchConfig, writeConfigRaw, type ConfigSnapshot } from '../config/config-store.js';
import type { Env, StatePaths } from '../config/paths.js';
import { toClientView, toPendingView, type PairingStore } from '../pairing/pairing-store.js';
import type { MethodHandler } from '../server/gateway-server.js';
import type { PresenceEntry } from '../server/types.js';
import { tailLogFile } from './log-file.js';
import { createSessionMethods } from '../sessions/session-methods.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { AgentMethods } from '../agent/run/agent-methods.js';
import { createSandboxMethods } from '../sandbox/admin/sandbox-methods.js';
import { createChannelMethods } from '../channels/methods/channel-methods.js';
import type { ChannelsApi } from '../channels/service-api.js';

export interface MethodDeps {
  paths: StatePaths;
  env: Env;
  serverVersion: string;
  config(): ConfigSnapshot;
  /** Re-read the config after a write so the running gateway applies it at once. */
  reloadConfig(): Promise<ConfigSnapshot>;
  pairing: PairingStore;
  presence(): PresenceEntry[];
  health(): Promise<Record<string, unknown>>;
  status(): Promise<Record<string, unknown>>;
  logFile(): string;
  agents(): AgentSummary[];
  /** Close live sessions of a device whose token was revoked or that was removed. */
  disconnectDevice(deviceId: string, role?: string): void;
  /** Session index and transcripts (gateway/sessions). */
  sessions: SessionStore;
  /** Deliver an event to every connection allowed to see it. */
  broadcast(event: string, payload: unknown): void;
  /** `chat.send`, `chat.abort`, `agent`, `agent.wait` (the runtime behind them loads on first use). */
  agentMethods?: AgentMethods;
  /** The chat channels (`channels.*`, `web.login.*`, `channels.pairing.*`). */
  channels?: () => ChannelsApi;
}

export interface AgentSummary {
  id: string;
  name?: string;
  workspace?: string;
  identity?: Record<string, string>;
  /** The agent's effective model chain; clients treat an agent without one as not set up. */
  model?: { primary: string; fallbacks: string[] };
  isDefault: boolean;
}

interface Params {
  [key: string]: unknown;
}

function asParams(value: unknown): Params {
  return value && typeof value === 'object' ? (value as Params) : {};
}

/** Secret values present in a parsed config, for scrubbing the raw JSON5 text. */
function collectSecretStrings(parsed: unknown, redacted: unknown, out: string[] = []): string[] {
  if (typeof parsed === 'string') {
    if (redacted === REDACTED_PLACEHOLDER && parsed.length > 0) out.push(parsed);
    return out;
  }
  if (parsed && typeof parsed === 'object' && redacted && typeof redacted === 'object') {
    for (const [key, value] of Object.entries(parsed)) {
      collectSecretStrings(value, (redacted as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

export function redactRawConfig(raw: string, parsed: unknown): string {
  const secrets = collectSecretStrings(parsed, redactConfigForClient(parsed));
  let out = raw;
  for (const secret of secrets.sort((a, b) => b.length - a.length))
    out = out.split(secret).join(REDACTED_PLACEHOLDER);
  return out;
}

function clientConfigView(snapshot: ConfigSnapshot): Record<string, unknown> {
  return {
    path: snapshot.path,
    exists: snapshot.exists,
    raw: snapshot.raw === null ? null : redactRawConfig(snapshot.raw, snapshot.parsed),
    parsed: redactConfigForClient(snapshot.parsed),
    valid: snapshot.valid,
    config: redactConfigForClient(snapshot.config),
    hash: snapshot.hash,
    issues: snapshot.issues,
    warnings: [],
    legacyIssues: [],
  };
}

function parseClientDocument(raw: string, what: string): unknown {
  try {
    return JSON5.parse(raw);
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${what} is not valid JSON5: ${(err as Error).message}`,
    );
  }
}

export function createMethodTable(deps: MethodDeps): Map<string, MethodHandler> {
  const table = new Map<string, MethodHandler>();
  const add = (name: string, handler: MethodHandler) => table.set(name, handler);

  add('health', { handle: () => deps.health() });
  add('status', { handle: () => deps.status() });
  add('system-presence', { handle: () => deps.presence() });

  add('config.get', {
    validator: 'validateConfigGetParams',
    handle: () => clientConfigView(deps.config()),
  });
  add('config.set', {
    validator: 'validateConfigSetParams',
    handle: async (raw) => {
      const params = asParams(raw);
      let text = String(params.raw);
      // A UI that loaded the redacted view sends the placeholders back; keep the real secrets.
      if (text.includes(REDACTED_PLACEHOLDER)) {
        const doc = parseClientDocument(text, 'config');
        text = `${JSON.stringify(restoreRedactedSecrets(doc, deps.config().parsed), null, 2)}\n`;
      }
      await writeConfigRaw(deps.paths, text, {
        baseHash: optionalString(params.baseHash),
        env: deps.env,
      });
      const next = await deps.reloadConfig();
      return { ok: true, ...clientConfigView(next) };
    },
  });
  add('config.patch', {
    validator: 'validateConfigPatchParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const patch = restoreRedactedSecrets(
        parseClientDocument(String(params.raw), 'config patch'),
        deps.config().parsed,
      );
      await patchConfig(deps.paths, patch, {
        baseHash: optionalString(params.baseHash),
        env: deps.env,
      });
      const next = await deps.reloadConfig();
      return { ok: true, ...clientConfigView(next) };
    },
  });

  add('device.pair.list', {
    validator: 'validateDevicePairListParams',
    handle: async () => ({
      pending: (await deps.pairing.listPending()).map(toPendingView),
      paired: (await deps.pairing.listPaired()).map(toClientView),
    }),
  });
  add('device.pair.approve', {
    validator: 'validateDevicePairApproveParams',
    // OpenClaw Desktop lets the approver untick scopes; without `scopes` it grants what was asked.
    extensionParams: ['scopes'],
    handle: async (raw) => {
      const params = asParams(raw);
      const scopes = params.scopes;
      if (
        scopes !== undefined &&
        (!Array.isArray(scopes) || scopes.some((x) => typeof x !== 'string' || x.length > 64))
      )
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'invalid device.pair.approve params: scopes must be a list of scope names',
        );
      const result = await deps.pairing.approve(String(params.requestId), {
        approvedVia: 'operator',
        ...(scopes !== undefined ? { scopes: scopes as string[] } : {}),
      });
      return { requestId: result.request.requestId, device: result.device };
    },
  });
  add('device.pair.reject', {
    validator: 'validateDevicePairRejectParams',
    handle: async (raw) => {
      const result = await deps.pairing.reject(String(asParams(raw).requestId));
      return { ...result, decision: 'rejected' };
    },
  });
  add('device.pair.remove', {
    validator: 'validateDevicePairRemoveParams',
    handle: async (raw) => {
      const result = await deps.pairing.remove(String(asParams(raw).deviceId));
      deps.disconnectDevice(result.deviceId);
      return { ...result, removed: true };
    },
  });
  add('device.token.rotate', {
    validator: 'validateDeviceTokenRotateParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const scopes = Array.isArray(params.scopes) ? params.scopes.map(String) : undefined;
      const issued = await deps.pairing.rotateToken(
        String(params.deviceId),
        String(params.role),
        scopes,
      );
      deps.disconnectDevice(String(params.deviceId), String(params.role));
      return { deviceId: String(params.deviceId), ...issued };
    },
  });
  add('device.token.revoke', {
    validator: 'validateDeviceTokenRevokeParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const result = await deps.pairing.revokeToken(String(params.deviceId), String(params.role));
      deps.disconnectDevice(String(params.deviceId), String(params.role));
      return result;
    },
  });

  add('agents.list', {
    validator: 'validateAgentsListParams',
    handle: () => {
      const agents = deps.agents();
      const defaultId = agents.find((a) => a.isDefault)?.id ?? 'main';
      return {
        defaultId,
        mainKey: deps.sessions.mainKey,
        scope: 'per-sender',
        agents: agents.map(({ id, name, workspace, identity, model }) => ({
          id,
          name,
          workspace,
          identity,
          model,
        })),
      };
    },
  });
  // The name and emoji an agent shows under (agents.list[].identity); an avatar only when it is a
  // URL the browser can load itself, as this gateway serves no avatar files.
  add('agent.identity.get', {
    validator: 'validateAgentIdentityParams',
    handle: (raw) => {
      const params = asParams(raw);
      const agents = deps.agents();
      const wanted = optionalString(params.agentId) ?? agents.find((a) => a.isDefault)?.id;
      const agent = agents.find((a) => a.id === wanted);
      if (!agent) {
        throw new OpenClawError(
          ErrorCode.NOT_FOUND,
          `Unknown agent "${String(wanted)}"; configured agents: ${agents.map((a) => a.id).join(', ')}.`,
        );
      }
      const name = agent.identity?.name ?? agent.name;
      const avatar = agent.identity?.avatar;
      const avatarStatus = avatar?.startsWith('data:')
        ? 'data'
        : avatar && /^https?:\/\//i.test(avatar)
          ? 'remote'
          : undefined;
      return {
        agentId: agent.id,
        ...(name ? { name, nameSource: 'config' } : {}),
        ...(agent.identity?.emoji ? { emoji: agent.identity.emoji } : {}),
        ...(avatar && avatarStatus ? { avatar, avatarStatus } : {}),
      };
    },
  });

  for (const [name, handler] of createSessionMethods({
    sessions: deps.sessions,
    agents: deps.agents,
    defaultModel: () => defaultModelOf(deps.config().config),
    historyMaxChars: () => {
      const value = deps.config().config.gateway?.webchat?.chatHistoryMaxChars;
      return typeof value === 'number' && value > 0 ? value : undefined;
    },
    broadcast: deps.broadcast,
    startRun: deps.agentMethods
      ? async (sessionKey, message, runId) =>
          (await deps.agentMethods!.load()).chatSend({ sessionKey, message, idempotencyKey: runId })
      : undefined,
  })) {
    add(name, handler);
  }

  for (const [name, handler] of deps.agentMethods?.methods() ?? []) add(name, handler);

  add('models.list', {
    validator: 'validateModelsListParams',
    // Newer clients (the official CLI 2026.9.x) send these; the published schema predates them.
    extensionParams: [
      'sessionKey',
      'authProfileId',
      'provider',
      'includeDetails',
      'includeDefaultModels',
    ],
    handle: async (raw) => {
      const params = asParams(raw);
      const agentId = optionalString(params.agentId) ?? deps.agents().find((a) => a.isDefault)?.id;
      // The provider library (pi-ai and its ~550 KB catalog) loads on first use, never at start.
      const { ModelProviders } = await import('../agent/providers/model-providers.js');
      const providers = await ModelProviders.fromSnapshot(
        deps.config(),
        deps.env,
        deps.paths,
        agentId,
      );
      const view = typeof params.view === 'string' ? params.view : 'default';
      const models = providers.listModels(
        view as 'default' | 'configured' | 'provider-config' | 'all',
      );
      const provider = optionalString(params.provider)?.toLowerCase();
      return { models: provider ? models.filter((m) => m.provider === provider) : models };
    },
  });

  // Not in the protocol package: these validate their own params (sandbox/admin/sandbox-params.ts).
  for (const [name, handler] of createSandboxMethods({
    config: deps.config,
    env: deps.env,
    paths: deps.paths,
  })) {
    add(name, handler);
  }

  if (deps.channels)
    for (const [name, handler] of createChannelMethods(deps.channels, () => deps.reloadConfig()))
      add(name, handler);

  add('logs.tail', {
    validator: 'validateLogsTailParams',
    handle: (raw) => {
      const params = asParams(raw);
      return tailLogFile(deps.logFile(), {
        cursor: typeof params.cursor === 'number' ? params.cursor : undefined,
        limit: typeof params.limit === 'number' ? params.limit : undefined,
        maxBytes: typeof params.maxBytes === 'number' ? params.maxBytes : undefined,
      });
    },
  });

  return table;
}

/** `agents.defaults.model` as sessions.list reports it (`provider/model` split). */
function defaultModelOf(config: ConfigSnapshot['config']): {
  provider: string | null;
  model: string | null;
  contextTokens: number | null;
} {
  const configured = config.agents?.defaults?.model;
  const ref = typeof configured === 'string' ? configured : configured?.primary;
  if (!ref) return { provider: null, model: null, contextTokens: null };
  const slash = ref.indexOf('/');
  return slash > 0
    ? { provider: ref.slice(0, slash), model: ref.slice(slash + 1), contextTokens: null }
    : { provider: null, model: ref, contextTokens: null };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
