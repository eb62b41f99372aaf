/**
 * The sandbox form's choices and what a change of them asks the host to do: pure, so the wizard
 * step and Settings → Sandbox (one form) act the same and the rules are tested without a page.
 */
import type {
  SandboxImageChoice,
  SandboxPolicy,
  SandboxSettingsView,
} from '../../../../electron/contract/sandbox-schemas.js';

export type SandboxModeChoice = 'off' | SandboxPolicy['mode'];
export type SandboxImageKind = SandboxImageChoice['kind'];

export interface SandboxDraft {
  mode: SandboxModeChoice;
  scope: SandboxPolicy['scope'];
  workspaceAccess: SandboxPolicy['workspaceAccess'];
  imageKind: SandboxImageKind;
  /** The tag typed for a custom image (kept while another kind is selected). */
  customTag: string;
}

/** What the stack runs now: off unless sandboxd is there and the config turns it on. */
export function effectiveMode(view: SandboxSettingsView): SandboxModeChoice {
  return view.enabled ? view.mode : 'off';
}

export function draftOf(view: SandboxSettingsView): SandboxDraft {
  const mode = effectiveMode(view);
  return {
    // Off (or never set): the choices show setup's defaults, ready to turn on.
    mode,
    scope: view.scope,
    workspaceAccess: view.workspaceAccess,
    imageKind: view.imageKind,
    customTag: view.imageKind === 'custom' ? view.image : '',
  };
}

/** Docker's reference rule (the host's docker/stack/build-inputs.ts, mirrored for live feedback). */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REGISTRY =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)';
const IMAGE_REFERENCE = new RegExp(
  `^${REGISTRY}?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** Why a custom tag cannot be used, in words; undefined when it can. */
export function customTagProblem(tag: string): string | undefined {
  const value = tag.trim();
  if (!value) return 'Enter the image’s tag, e.g. registry.example.com/team/sandbox:2.';
  if (value.length > 255) return 'An image tag has at most 255 characters.';
  if (!IMAGE_REFERENCE.test(value))
    return 'This is not a Docker image tag: use a lower-case name with an optional :tag, e.g. my-sandbox:1 or registry.example.com/team/sandbox:2.';
  return undefined;
}

export function imageChoiceOf(draft: SandboxDraft): SandboxImageChoice {
  return draft.imageKind === 'custom'
    ? { kind: 'custom', tag: draft.customTag.trim() }
    : { kind: draft.imageKind };
}

export function imageTagOf(draft: SandboxDraft, view: SandboxSettingsView): string {
  return draft.imageKind === 'custom'
    ? draft.customTag.trim()
    : view.standardImages[draft.imageKind];
}

export function policyOf(draft: SandboxDraft): SandboxPolicy | undefined {
  if (draft.mode === 'off') return undefined;
  return { mode: draft.mode, scope: draft.scope, workspaceAccess: draft.workspaceAccess };
}

/**
 * - `turn-on` / `turn-off`: the host's switch (image build, setup).
 * - `change-image`: on, with another image: built and applied through the same switch.
 * - `save`: on, only the policy changed: written to openclaw.json, nothing rebuilt.
 */
export type SandboxAction = 'none' | 'turn-on' | 'turn-off' | 'change-image' | 'save';

export function sandboxAction(view: SandboxSettingsView, draft: SandboxDraft): SandboxAction {
  const was = effectiveMode(view);
  if (was === 'off') return draft.mode === 'off' ? 'none' : 'turn-on';
  if (draft.mode === 'off') return 'turn-off';
  if (imageTagOf(draft, view) !== view.image) return 'change-image';
  const policy = policyOf(draft);
  return policy &&
    (policy.mode !== view.mode ||
      policy.scope !== view.scope ||
      policy.workspaceAccess !== view.workspaceAccess)
    ? 'save'
    : 'none';
}
