/**
 * The fake host's Sandboxes page: canned containers (the screenshot machine has no sandboxes of
 * its own) that Recreate, Remove and Prune really take away, and a few log lines. A scenario
 * without a set-up gateway has no Docker engine, so the page's "no engine" state can be seen.
 */
import type {
  SandboxContainerView,
  SandboxSettingsView,
} from '../../electron/contract/sandbox-schemas.js';
import type { HostImplementation } from '../../electron/host/api/host-api-handler.js';
import { OpenClawError, ErrorCode } from '../../gateway/infra/errors.js';
import { HOUR } from './fake-host-data.js';

type SandboxCalls = Pick<
  HostImplementation,
  | 'sandboxes.list'
  | 'sandboxes.remove'
  | 'sandboxes.prune'
  | 'sandboxes.logs'
  | 'sandbox.settings'
  | 'sandbox.savePolicy'
  | 'sandbox.setEnabled'
>;

const IMAGE = 'openclaw-sandbox:bookworm-slim';

function cannedContainers(now: number): SandboxContainerView[] {
  const one = (
    name: string,
    scopeKey: string,
    agentId: string,
    state: string,
    idleMs: number,
    image = IMAGE,
    recreatePending = false,
  ): SandboxContainerView => ({
    name,
    scopeKey,
    agentId,
    state,
    image,
    configuredImage: IMAGE,
    imageMatches: image === IMAGE,
    recreatePending,
    createdAtMs: now - 30 * HOUR,
    lastUsedAtMs: now - idleMs,
    usedFrom: 'registry',
    idleMs,
  });
  return [
    one('openclaw-sbx-agent-main-3f9a1c', 'agent:main', 'main', 'running', 4 * 60_000),
    one(
      'openclaw-sbx-agent-research-b71e02',
      'agent:research',
      'research',
      'running',
      2 * HOUR,
      IMAGE,
      true,
    ),
    one(
      'openclaw-sbx-agent-main-telegram-dm-42-9c0d77',
      'agent:main:telegram:dm:42',
      'main',
      'exited',
      50 * HOUR,
      'openclaw-sandbox-common:bookworm-slim',
    ),
  ];
}

/**
 * `runSetup` is the fake host's own setup run (progress events), which turning the sandbox on or
 * off goes through as in the app.
 */
export function fakeSandboxCalls(
  engineReady: () => boolean,
  runSetup: () => Promise<void>,
): SandboxCalls {
  let settings: SandboxSettingsView = {
    enabled: false,
    mode: 'off',
    scope: 'agent',
    workspaceAccess: 'none',
    image: IMAGE,
    baseHash: 'a'.repeat(64),
  };
  let saves = 0;
  let containers: SandboxContainerView[] | undefined;
  const current = () => (containers ??= cannedContainers(Date.now()));
  const find = (name: string) => {
    const found = current().find((c) => c.name === name);
    if (!found)
      throw new OpenClawError(
        ErrorCode.CONTAINER_NOT_FOUND,
        `Sandbox container ${name} no longer exists. Refresh the list.`,
      );
    return found;
  };
  return {
    'sandbox.settings': async () => settings,
    'sandbox.savePolicy': async ({ policy, baseHash }) => {
      if (baseHash !== settings.baseHash)
        throw new OpenClawError(
          ErrorCode.CONFIG_CONFLICT,
          'config changed since you loaded it; reload and retry',
        );
      saves += 1;
      settings = { ...settings, ...policy, baseHash: String(saves).padStart(64, 'b') };
      return settings;
    },
    'sandbox.setEnabled': async ({ enabled }) => {
      await runSetup();
      settings = {
        ...settings,
        enabled,
        ...(enabled
          ? { mode: 'non-main', scope: 'agent', workspaceAccess: 'none' }
          : { mode: 'off' }),
      };
      return settings;
    },
    'sandboxes.list': async () =>
      engineReady()
        ? { engine: 'ready', containers: current() }
        : {
            engine: 'unavailable',
            detail: 'Cannot connect to the Docker engine at unix:///var/run/docker.sock.',
            containers: [],
          },
    'sandboxes.remove': async ({ name }) => {
      find(name);
      containers = current().filter((c) => c.name !== name);
      return { ok: true as const };
    },
    'sandboxes.prune': async ({ idleHours }) => {
      const removed = current()
        .filter((c) => c.idleMs > idleHours * HOUR)
        .map((c) => c.name);
      containers = current().filter((c) => !removed.includes(c.name));
      return { removed, failed: [] };
    },
    'sandboxes.logs': async ({ name, tail }) => {
      find(name);
      const lines = [
        {
          stream: 'stdout' as const,
          text: 'sandbox ready: /workspace (read-only root, no network)',
        },
        { stream: 'stdout' as const, text: '$ rg --files | wc -l' },
        { stream: 'stdout' as const, text: '128' },
        { stream: 'stderr' as const, text: 'warning: git is not configured (user.name)' },
      ];
      const t = Date.now() - 5 * 60_000;
      return lines
        .slice(-tail)
        .map((l, i) => ({ ...l, timestamp: new Date(t + i * 1000).toISOString() }));
    },
  };
}
