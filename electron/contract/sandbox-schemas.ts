/**
 * The host calls' shapes for the agent sandbox (the Sandboxes page and Settings → Sandbox),
 * kept apart from host-api.ts so that file stays a table of calls.
 */
import { Type, type Static } from 'typebox';

export const SandboxContainerViewSchema = Type.Object({
  name: Type.String(),
  scopeKey: Type.String(),
  agentId: Type.Optional(Type.String()),
  state: Type.String(),
  image: Type.String(),
  configuredImage: Type.String(),
  imageMatches: Type.Boolean(),
  recreatePending: Type.Boolean(),
  createdAtMs: Type.Number(),
  lastUsedAtMs: Type.Number(),
  usedFrom: Type.Union([Type.Literal('registry'), Type.Literal('started')]),
  idleMs: Type.Number(),
  /** A browser sandbox (Chromium for the agent's `browser` tool); its image is `sandbox.browser.image`. */
  browser: Type.Boolean(),
  /** Why "Open live view" cannot work for this container now; absent when it can. */
  liveViewUnavailable: Type.Optional(Type.String()),
});
export type SandboxContainerView = Static<typeof SandboxContainerViewSchema>;

export const SandboxListSchema = Type.Object({
  /** `unavailable`: no engine answered; `detail` says why. */
  engine: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  detail: Type.Optional(Type.String()),
  containers: Type.Array(SandboxContainerViewSchema),
});
export type SandboxList = Static<typeof SandboxListSchema>;

/** A container name as Docker allows it; anything else cannot be a sandbox. */
export const SandboxNameSchema = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$',
});

export const SandboxLogLineSchema = Type.Object({
  stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]),
  timestamp: Type.Optional(Type.String()),
  text: Type.String(),
});
export type SandboxLogLine = Static<typeof SandboxLogLineSchema>;

export const SandboxPruneResultSchema = Type.Object({
  removed: Type.Array(Type.String()),
  /** The containers that stayed, each with the engine's reason. */
  failed: Type.Array(Type.Object({ name: Type.String(), reason: Type.String() })),
});
export type SandboxPruneResult = Static<typeof SandboxPruneResultSchema>;

export const SandboxLiveViewSchema = Type.Object({
  /** The one-time noVNC viewer URL (token and password inside; a newer link voids it). */
  url: Type.String(),
  /** The host opened it in the user's browser already; otherwise the page opens `url`. */
  opened: Type.Boolean(),
});
export type SandboxLiveView = Static<typeof SandboxLiveViewSchema>;

export const SandboxPolicySchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('non-main'), Type.Literal('all')]),
    scope: Type.Union([Type.Literal('agent'), Type.Literal('session'), Type.Literal('shared')]),
    workspaceAccess: Type.Union([Type.Literal('none'), Type.Literal('ro'), Type.Literal('rw')]),
  },
  { additionalProperties: false },
);
export type SandboxPolicy = Static<typeof SandboxPolicySchema>;

/**
 * Which sandbox image: the standard one, the one with build tools (both built by the app), or an
 * image already on the engine under the user's own tag.
 */
export const SandboxImageChoiceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('default') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('common') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('custom'), tag: Type.String({ minLength: 1, maxLength: 255 }) },
    { additionalProperties: false },
  ),
]);
export type SandboxImageChoice = Static<typeof SandboxImageChoiceSchema>;

export const SandboxSettingsViewSchema = Type.Object({
  enabled: Type.Boolean(),
  mode: Type.Union([Type.Literal('off'), Type.Literal('non-main'), Type.Literal('all')]),
  scope: SandboxPolicySchema.properties.scope,
  workspaceAccess: SandboxPolicySchema.properties.workspaceAccess,
  image: Type.String(),
  /** `image` as one of the choices (`custom` when it is neither standard tag). */
  imageKind: Type.Union([Type.Literal('default'), Type.Literal('common'), Type.Literal('custom')]),
  /** The tags the app builds for `default` and `common`. */
  standardImages: Type.Object({ default: Type.String(), common: Type.String() }),
  baseHash: Type.Union([Type.String(), Type.Null()]),
  configProblem: Type.Optional(Type.String()),
});
export type SandboxSettingsView = Static<typeof SandboxSettingsViewSchema>;

/**
 * Turn the sandbox on (build the image, write the policy and image, add sandboxd) or off. Without
 * `policy` / `image`, what openclaw.json has now (or setup's defaults) is used.
 */
export const SandboxApplySchema = Type.Object(
  {
    enabled: Type.Boolean(),
    policy: Type.Optional(SandboxPolicySchema),
    image: Type.Optional(SandboxImageChoiceSchema),
  },
  { additionalProperties: false },
);
export type SandboxApply = Static<typeof SandboxApplySchema>;
