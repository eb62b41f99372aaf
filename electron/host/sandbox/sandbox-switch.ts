/**
 * Turning the agent sandbox on or off from the app (the wizard's Sandbox step and Settings →
 * Sandbox), as one operation:
 *
 *   on:  engine answers → the chosen image is there (built with live progress, or the user's own
 *        tag found on the engine) → its tag goes into openclaw.json (sandboxd reads the allowed
 *        images when it starts) → setup runs with the sandbox on and the chosen policy (sandboxd
 *        up, overlay written) → a sandboxd that was already running restarts to read the image.
 *   off: setup runs with the sandbox off (sandboxd and the overlay removed, mode off).
 *
 * Nothing is written before the image exists, so a failed build changes nothing. After that,
 * setup puts the stack files back itself when it fails, and this puts `agents.defaults.sandbox`
 * back as it was: a failure never leaves a half-on sandbox. Every error says it was about the
 * sandbox, what was kept, and keeps the cause's code (so the UI's next step for it applies).
 */
import type Dockerode from 'dockerode';
import { imageInfo, pingEngine } from '../../../docker/engine/index.js';
import { buildSandboxImage } from '../../../docker/sandbox/sandbox-images.js';
import {
  SETUP_SANDBOX_DEFAULTS,
  type SetupSandboxPolicy,
} from '../../../docker/setup/sandbox-config.js';
import { checkImageReference } from '../../../docker/stack/build-inputs.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import type { SandboxApply } from '../../contract/sandbox-schemas.js';
import { buildEventProgress, type ProgressUpdate } from '../stack/setup-progress.js';
import type {
  SandboxSectionSnapshot,
  SandboxSectionStore,
  StandardSandboxImages,
} from './sandbox-policy.js';

export interface SandboxSwitchDeps {
  docker: Dockerode;
  config: SandboxSectionStore;
  images: StandardSandboxImages;
  /** OPENCLAW_BASE_IMAGE / OPENCLAW_NODE_IMAGE overrides for the image builds. */
  buildEnv: Readonly<Record<string, string | undefined>>;
  /** The folder of the sandbox Dockerfiles (the packaged app's `resources/stack/docker/sandbox`). */
  recipeDir?: string;
  /** Whether the stack runs the sandbox overlay now. */
  stackEnabled: () => boolean;
  /** Setup on the stack's current settings with the sandbox on or off; forwards its progress. */
  runSetup: (args: {
    enabled: boolean;
    policy: SetupSandboxPolicy;
    signal: AbortSignal;
  }) => Promise<void>;
  /** `compose restart openclaw-sandboxd`, so it reads the configured images again. */
  restartSandboxd: (signal: AbortSignal) => Promise<void>;
  emit: (update: ProgressUpdate) => void;
}

/** The operation kind the renderer draws the phases of. */
export function sandboxOperationKind(enabled: boolean): 'sandbox' | 'sandbox-off' {
  return enabled ? 'sandbox' : 'sandbox-off';
}

function failure(err: unknown, headline: string, kept: string): OpenClawError {
  const cause = err instanceof OpenClawError ? err : undefined;
  if (cause?.code === ErrorCode.CANCELLED)
    return new OpenClawError(ErrorCode.CANCELLED, `${headline}: cancelled. ${kept}`, {
      cause: err,
    });
  return new OpenClawError(
    cause?.code ?? ErrorCode.INTERNAL,
    `${headline}. ${kept}\n${errorMessage(err)}`,
    { cause: err, ...(cause?.details ? { details: cause.details } : {}) },
  );
}

/** The image tag to configure for a choice; a custom tag must be a reference and on the engine. */
async function resolveImage(
  deps: SandboxSwitchDeps,
  choice: NonNullable<SandboxApply['image']>,
  signal: AbortSignal,
): Promise<{ tag: string; build?: 'sandbox' | 'common' }> {
  if (choice.kind === 'default') return { tag: deps.images.default, build: 'sandbox' };
  if (choice.kind === 'common') return { tag: deps.images.common, build: 'common' };
  const tag = choice.tag.trim();
  const problem = checkImageReference(tag);
  if (problem)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The custom sandbox image "${tag}" ${problem}.`,
    );
  const found = await imageInfo(deps.docker, tag, { signal }).catch((err: unknown) => {
    if (err instanceof OpenClawError && err.code === ErrorCode.IMAGE_NOT_FOUND) return undefined;
    throw err;
  });
  if (!found)
    throw new OpenClawError(
      ErrorCode.IMAGE_NOT_FOUND,
      `The custom sandbox image ${tag} is not on this Docker engine. Build or load it first (docker build -t ${tag} …, or docker load -i <file>), or choose the standard sandbox image.`,
    );
  return { tag };
}

export async function switchSandbox(
  deps: SandboxSwitchDeps,
  request: SandboxApply,
  current: { policy: SetupSandboxPolicy | undefined; image: NonNullable<SandboxApply['image']> },
  signal: AbortSignal,
): Promise<void> {
  const { enabled } = request;
  const emit = deps.emit;
  const wasOn = deps.stackEnabled();
  const headline = !enabled
    ? 'The agent sandbox was not turned off'
    : wasOn
      ? 'The agent sandbox settings were not changed'
      : 'The agent sandbox was not turned on';
  const nothingChanged = 'Nothing was changed.';

  let image: { tag: string; build?: 'sandbox' | 'common' } | undefined;
  try {
    emit({ phase: 'sandbox-check', message: 'Checking the Docker engine' });
    const ping = await pingEngine(deps.docker, signal);
    if (!ping.ok) throw ping.error;
    if (enabled) {
      image = await resolveImage(deps, request.image ?? current.image, signal);
      emit({
        phase: 'sandbox-image',
        message: image.build ? `Building the sandbox image ${image.tag}` : `Using ${image.tag}`,
      });
      if (image.build) {
        await buildSandboxImage(deps.docker, {
          kind: image.build,
          env: deps.buildEnv,
          tag: image.tag,
          ...(deps.recipeDir ? { recipeDir: deps.recipeDir } : {}),
          ...(image.build === 'common' ? { sandboxTag: deps.images.default } : {}),
          signal,
          onEvent: (event) =>
            emit(event.kind === 'build' ? buildEventProgress(event.event) : { log: event.text }),
        });
      }
    }
  } catch (err) {
    throw failure(err, headline, nothingChanged);
  }

  let saved: SandboxSectionSnapshot | undefined;
  try {
    saved = await deps.config.section();
    if (enabled && image) {
      emit({ phase: 'sandbox-config', message: `Configuring ${image.tag} as the sandbox image` });
      await deps.config.writeImage(image.tag);
    }
    const policy = request.policy ?? current.policy ?? SETUP_SANDBOX_DEFAULTS;
    await deps.runSetup({ enabled, policy, signal });
    if (enabled && wasOn) {
      emit({ phase: 'sandbox-restart', message: 'Restarting sandboxd with the sandbox image' });
      await deps.restartSandboxd(signal);
    }
  } catch (err) {
    if (!saved) throw failure(err, headline, nothingChanged);
    let kept = 'The stack and agents.defaults.sandbox in openclaw.json were put back as they were.';
    try {
      await deps.config.restoreSection(saved);
    } catch (restoreErr) {
      kept = `agents.defaults.sandbox in openclaw.json could not be put back (${errorMessage(restoreErr)}): check it, or turn the sandbox ${wasOn ? 'on' : 'off'} again.`;
    }
    emit({ log: kept });
    throw failure(err, headline, kept);
  }
}
