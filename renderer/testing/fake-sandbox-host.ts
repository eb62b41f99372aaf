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
import { describeBuildStep } from '../../docker/engine/build-step-label.js';
import { HOUR } from './fake-host-data.js';

type SandboxCalls = Pick<
  HostImplementation,
  | 'sandboxes.list'
  | 'sandboxes.remove'
  | 'sandboxes.prune'
  | 'sandboxes.logs'
  | 'sandboxes.liveView'
  | 'sandbox.settings'
  | 'sandbox.savePolicy'
  | 'sandbox.apply'
>;

const IMAGE = 'openclaw-sandbox:bookworm-slim';
const COMMON = 'openclaw-sandbox-common:bookworm-slim';
/** Images "on the engine" a custom tag may name; anything else is not found. */
const PRESENT = new Set([IMAGE, COMMON, 'registry.example.com/team/sandbox:2']);

/** The real sandbox Dockerfile's steps, for a build that looks like the app's. */
const SANDBOX_STEPS = [
  'ARG BASE_IMAGE=debian:bookworm-slim',
  'FROM ${BASE_IMAGE}',
  'RUN set -eu; apt-get update; apt-get install -y --no-install-recommends bash ca-certificates curl git jq python3 ripgrep',
  'RUN useradd --create-home --uid 1000 --shell /bin/bash sandbox',
  'WORKDIR /workspace',
  'USER sandbox',
];
const COMMON_STEPS = [
  'ARG BASE_IMAGE=openclaw-sandbox:bookworm-slim',
  'FROM ${BASE_IMAGE}',
  'RUN set -eu; apt-get update; apt-get install -y --no-install-recommends build-essential golang-go rustc cargo',
  'COPY --from=node /usr/local/ /usr/local/',
  'USER sandbox',
];

export interface FakeSandboxOptions {
  engineReady: () => boolean;
  /** The failing scenario fails the build of the image with build tools. */
  failing: () => boolean;
  emit: (progress: Record<string, unknown>) => void;
  sleep: (ms: number) => Promise<void>;
}

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
    browser: false,
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
    {
      ...one('openclaw-sbx-browser-agent-main-5e2b90', 'agent:main', 'main', 'running', 6 * 60_000),
      image: 'openclaw-sandbox-browser:bookworm-slim',
      configuredImage: 'openclaw-sandbox-browser:bookworm-slim',
      browser: true,
    },
  ];
}

/**
 * Turning the sandbox on streams progress as the host's switch does (engine check, image build
 * step by step, config, setup phases); a custom tag not "on the engine" and, in the failing
 * scenario, the build of the image with build tools fail the way the host reports them.
 */
export function fakeSandboxCalls(options: FakeSandboxOptions): SandboxCalls {
  const { engineReady, emit: emitRaw, sleep } = options;
  let settings: SandboxSettingsView = {
    enabled: false,
    mode: 'off',
    scope: 'agent',
    workspaceAccess: 'none',
    image: IMAGE,
    imageKind: 'default',
    standardImages: { default: IMAGE, common: COMMON },
    baseHash: 'a'.repeat(64),
  };
  let built = new Set<string>();
  async function apply(request: Parameters<SandboxCalls['sandbox.apply']>[0]): Promise<void> {
    const kind = request.enabled ? 'sandbox' : 'sandbox-off';
    const operationId = `sbx-${Date.now()}`;
    const emit = (p: Record<string, unknown>) => emitRaw({ operationId, kind, ...p });
    const headline = request.enabled
      ? 'The agent sandbox was not turned on'
      : 'The agent sandbox was not turned off';
    try {
      emit({ phase: 'sandbox-check', message: 'Checking the Docker engine' });
      await sleep(200);
      const choice = request.image ?? { kind: settings.imageKind, tag: settings.image };
      const tag =
        choice.kind === 'default' ? IMAGE : choice.kind === 'common' ? COMMON : choice.tag.trim();
      if (request.enabled) {
        if (choice.kind === 'custom' && !PRESENT.has(tag))
          throw new OpenClawError(
            ErrorCode.IMAGE_NOT_FOUND,
            `${headline}. Nothing was changed.\nThe custom sandbox image ${tag} is not on this Docker engine. Build or load it first (docker build -t ${tag} …, or docker load -i <file>), or choose the standard sandbox image.`,
          );
        const steps = choice.kind === 'common' ? COMMON_STEPS : SANDBOX_STEPS;
        emit({
          phase: 'sandbox-image',
          message: choice.kind === 'custom' ? `Using ${tag}` : `Building the sandbox image ${tag}`,
        });
        if (choice.kind !== 'custom' && !built.has(tag)) {
          for (let i = 1; i <= steps.length; i++) {
            const instruction = steps[i - 1]!;
            const label = describeBuildStep(instruction, {});
            emit({ step: { index: i, total: steps.length, label, instruction }, message: label });
            emit({ log: ` ---> Running in 7a2c9e1f0${i}b` });
            if (options.failing() && choice.kind === 'common' && i === 3) {
              emit({ log: 'E: Unable to locate package golang-go' });
              throw new OpenClawError(
                ErrorCode.APT_PACKAGE_NOT_FOUND,
                `${headline}. Nothing was changed.\nBuilding ${tag} failed at step 3/${steps.length} (${instruction}). Debian has no package named “golang-go” (apt reached the mirror and did not find it).\nLast output:\nE: Unable to locate package golang-go`,
              );
            }
            await sleep(i === 3 ? 900 : 250);
          }
          built = new Set([...built, tag]);
        }
        emit({ phase: 'sandbox-config', message: `Configuring ${tag} as the sandbox image` });
        await sleep(200);
      }
      for (const [phase, message] of [
        ['validate', 'Checking the setup inputs'],
        ['engine', 'Connecting to the Docker engine'],
        ['image', 'Building the image'],
        ['files', 'Writing .env and the compose files'],
        ['start', 'Starting the gateway'],
        ['onboard', 'Writing the gateway config through the image (openclaw onboard)'],
        ['health', 'Waiting for the gateway to become healthy'],
      ] as const) {
        emit({ phase, message });
        await sleep(200);
      }
      settings = {
        ...settings,
        enabled: request.enabled,
        ...(request.enabled
          ? {
              ...(request.policy ?? { mode: 'non-main', scope: 'agent', workspaceAccess: 'none' }),
              image: tag,
              imageKind: choice.kind,
            }
          : { mode: 'off' }),
        baseHash: String(Date.now()).padStart(64, 'c'),
      };
      emit({
        phase: 'done',
        done: true,
        message: request.enabled ? 'The agent sandbox is on' : 'The agent sandbox is off',
      });
    } catch (err) {
      emit({ done: true, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }
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
    'sandbox.apply': async (request) => (await apply(request), settings),
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
    'sandboxes.liveView': async ({ name }) => {
      find(name);
      // No real Chromium behind the canned rows: say so rather than open a dead address.
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `${name} is a sample row of the fake host; there is no browser to watch.`,
      );
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
