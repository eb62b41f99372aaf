/**
 * The host API: every call and event between the app's brain (electron/host) and its UI, defined
 * once. Each entry is a TypeBox schema, so the same definition gives the TypeScript types (for the
 * renderer and preload) and the runtime validation the host applies to every incoming argument
 * (IPC and the headless WebSocket alike). Two transports, one contract.
 */
import { Type, type Static, type TSchema } from 'typebox';
import {
  SandboxApplySchema,
  SandboxListSchema,
  SandboxLiveViewSchema,
  SandboxLogLineSchema,
  SandboxNameSchema,
  SandboxPolicySchema,
  SandboxPruneResultSchema,
  SandboxSettingsViewSchema,
} from './sandbox-schemas.js';
import { UpdateViewSchema } from './update-schemas.js';

export {
  UpdateStateSchema,
  UpdateViewSchema,
  type UpdateState,
  type UpdateView,
} from './update-schemas.js';
import {
  ChannelSaveSchema,
  ChannelTargetSchema,
  ChannelsViewSchema,
  DmRequestActionSchema,
  DmRequestsViewSchema,
  WebLoginResultSchema,
  WebLoginStartSchema,
  WebLoginWaitSchema,
} from './channel-schemas.js';

const Empty = Type.Object({}, { additionalProperties: false });
const Ok = Type.Object({ ok: Type.Literal(true) });

export const StatusPhaseSchema = Type.Union([
  Type.Literal('engine-missing'),
  Type.Literal('engine-stopped'),
  Type.Literal('not-set-up'),
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('unhealthy'),
  Type.Literal('failed'),
  Type.Literal('running'),
  Type.Literal('pairing-pending'),
]);
export type StatusPhase = Static<typeof StatusPhaseSchema>;

export const GatewayStatusSchema = Type.Object({
  phase: StatusPhaseSchema,
  summary: Type.String(),
  detail: Type.Optional(Type.String()),
  canStart: Type.Boolean(),
  canStop: Type.Boolean(),
  canRestart: Type.Boolean(),
  canRebuild: Type.Boolean(),
  uptimeMs: Type.Optional(Type.Number()),
  pendingApprovals: Type.Number(),
  port: Type.Number(),
  operator: Type.String(),
  operation: Type.Optional(Type.Object({ kind: Type.String(), startedAt: Type.Number() })),
});
export type GatewayStatus = Static<typeof GatewayStatusSchema>;

const ScopeViewSchema = Type.Object({
  scope: Type.String(),
  label: Type.String(),
  description: Type.String(),
});

export const PairingRequestViewSchema = Type.Object({
  requestId: Type.String(),
  deviceId: Type.String(),
  displayName: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  clientId: Type.Optional(Type.String()),
  clientMode: Type.Optional(Type.String()),
  remoteIp: Type.Optional(Type.String()),
  role: Type.String(),
  scopes: Type.Array(ScopeViewSchema),
  isRepair: Type.Boolean(),
  ts: Type.Number(),
});
export type PairingRequestView = Static<typeof PairingRequestViewSchema>;

export const PairedDeviceViewSchema = Type.Object({
  deviceId: Type.String(),
  displayName: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  clientId: Type.Optional(Type.String()),
  roles: Type.Array(Type.String()),
  scopes: Type.Array(ScopeViewSchema),
  createdAtMs: Type.Optional(Type.Number()),
  lastUsedAtMs: Type.Optional(Type.Number()),
  /** It has a live connection to the gateway now (from the gateway's presence list). */
  connectedNow: Type.Optional(Type.Boolean()),
  isThisApp: Type.Boolean(),
});
export type PairedDeviceView = Static<typeof PairedDeviceViewSchema>;

export const ExtraMountSchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 4096 }),
  target: Type.String({ minLength: 1, maxLength: 4096 }),
  readOnly: Type.Boolean(),
});
export type ExtraMount = Static<typeof ExtraMountSchema>;

export const HomeVolumeSchema = Type.Union([
  Type.Null(),
  Type.Object({
    kind: Type.Literal('volume'),
    name: Type.String({ minLength: 1, maxLength: 128 }),
  }),
  Type.Object({
    kind: Type.Literal('bind'),
    source: Type.String({ minLength: 1, maxLength: 4096 }),
  }),
]);
export type HomeVolume = Static<typeof HomeVolumeSchema>;

/** What the setup wizard and the settings pages edit. */
export const StackSettingsSchema = Type.Object({
  configDir: Type.String({ minLength: 1, maxLength: 4096 }),
  workspaceDir: Type.String({ minLength: 1, maxLength: 4096 }),
  gatewayPort: Type.Integer({ minimum: 1, maximum: 65535 }),
  exposeOnLan: Type.Boolean(),
  extraMounts: Type.Array(ExtraMountSchema, { maxItems: 32 }),
  aptPackages: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 50 }),
  homeVolume: HomeVolumeSchema,
});
export type StackSettings = Static<typeof StackSettingsSchema>;

export const StackSectionSchema = Type.Union([
  Type.Literal('folders'),
  Type.Literal('mounts'),
  Type.Literal('packages'),
  Type.Literal('home'),
  Type.Literal('port'),
]);
export type StackSection = Static<typeof StackSectionSchema>;

/** One problem of a stack setting, in plain words, with the wizard step and field it belongs to. */
export const StackProblemSchema = Type.Object({
  section: StackSectionSchema,
  field: Type.Union([
    Type.Literal('configDir'),
    Type.Literal('workspaceDir'),
    Type.Literal('extraMounts'),
    Type.Literal('aptPackages'),
    Type.Literal('homeVolume'),
    Type.Literal('gatewayPort'),
  ]),
  /** Row of a mount or package. */
  index: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Which half of a mount row. */
  part: Type.Optional(Type.Union([Type.Literal('source'), Type.Literal('target')])),
  /** The value the problem is about (a later edit of that value makes the problem stale). */
  value: Type.String(),
  message: Type.String(),
  /** Errors stop the step (and Install); warnings are shown and let the user go on. */
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
});
export type StackProblem = Static<typeof StackProblemSchema>;

/**
 * Where the gateway is reachable from, from the host's point of view (the published address and
 * port), not the gateway's own listening address inside its container.
 */
export const StackReachabilitySchema = Type.Object({
  /** "container": read from the gateway container's port bindings; "settings": not created yet. */
  source: Type.Union([Type.Literal('container'), Type.Literal('settings')]),
  /** Host address the port is published on: 127.0.0.1, 0.0.0.0 or one interface address. */
  publishAddress: Type.String(),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  scope: Type.Union([Type.Literal('this-computer'), Type.Literal('network')]),
  /** What this computer opens, e.g. http://127.0.0.1:18789/ */
  localUrl: Type.String(),
  /** What other devices open (`http://<ip>:<port>/`); empty while published on loopback. */
  lanUrls: Type.Array(Type.String()),
  /** This host's LAN IPv4 addresses, exposed or not (to preview the setting). */
  lanAddresses: Type.Array(Type.String()),
});
export type StackReachability = Static<typeof StackReachabilitySchema>;

/** A compose command to paste into a terminal, for the stack as the app runs it. */
export const TerminalCommandSchema = Type.Object({
  command: Type.String(),
  /** The shell it is quoted for: POSIX shells, or PowerShell on Windows. */
  shell: Type.Union([Type.Literal('posix'), Type.Literal('powershell')]),
});
export type TerminalCommand = Static<typeof TerminalCommandSchema>;

export const ApplyPlanSchema = Type.Object({
  action: Type.Union([Type.Literal('none'), Type.Literal('recreate'), Type.Literal('rebuild')]),
  reasons: Type.Array(Type.String()),
});
export type ApplyPlan = Static<typeof ApplyPlanSchema>;

/**
 * Where the last stack change stands. `applied`: the stack runs what `stack.getSettings` says.
 * `applying`: a setup or apply is under way with `desired`. `failed`: `desired` was NOT applied
 * (the stack, settings.json and `.env` still hold the previous settings) and waits for the user:
 * `stack.retry` applies it again, `stack.discard` drops it. Kept on disk, so an app that stopped
 * mid-apply comes back showing the change as failed instead of silently losing or adopting it.
 */
export const StackChangeKindSchema = Type.Union([Type.Literal('setup'), Type.Literal('apply')]);
export const StackChangeSchema = Type.Union([
  Type.Object({ state: Type.Literal('applied') }),
  Type.Object({
    state: Type.Literal('applying'),
    kind: StackChangeKindSchema,
    desired: StackSettingsSchema,
    startedAt: Type.Number(),
  }),
  Type.Object({
    state: Type.Literal('failed'),
    kind: StackChangeKindSchema,
    desired: StackSettingsSchema,
    error: Type.Object({ code: Type.String(), message: Type.String() }),
    failedAt: Type.Number(),
  }),
]);
export type StackChange = Static<typeof StackChangeSchema>;

export const AppSettingsSchema = Type.Object({
  startAtLogin: Type.Boolean(),
  startInBackground: Type.Boolean(),
  closeToTray: Type.Boolean(),
  stopGatewayOnQuit: Type.Boolean(),
  /** Look for a new app version at start and every 12 hours (never downloads unasked). */
  checkForUpdates: Type.Boolean(),
});
export type AppSettings = Static<typeof AppSettingsSchema>;

export const DiagnosticResultSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.Union([
    Type.Literal('ok'),
    Type.Literal('warn'),
    Type.Literal('fail'),
    Type.Literal('skip'),
  ]),
  detail: Type.String(),
  fix: Type.Optional(
    Type.Object({
      label: Type.String(),
      command: Type.Optional(Type.String()),
      docs: Type.Optional(Type.String()),
    }),
  ),
});
export type DiagnosticResult = Static<typeof DiagnosticResultSchema>;

export const LogLineSchema = Type.Object({
  source: Type.String(),
  stream: Type.String(),
  ts: Type.Optional(Type.String()),
  text: Type.String(),
  /** Not container output: a note from the app ("container recreated at …"). */
  marker: Type.Optional(Type.Boolean()),
});
export type LogLine = Static<typeof LogLineSchema>;

export const SecretStorageSchema = Type.Object({
  kind: Type.Union([Type.Literal('os-keychain'), Type.Literal('plaintext-file')]),
  warning: Type.Optional(Type.String()),
});

/** The Node base the gateway image is built FROM (docker/setup/base-image.ts), shown before a build. */
export const NodeBaseViewSchema = Type.Object({
  source: Type.Union([
    Type.Literal('explicit'),
    Type.Literal('stock'),
    Type.Literal('local'),
    Type.Literal('none'),
  ]),
  image: Type.String(),
  present: Type.Boolean(),
  summary: Type.String(),
  nextStep: Type.Optional(Type.String()),
  /** Whether `images.makeBase` can run here; otherwise `detail` says how to get a base. */
  makeLocal: Type.Object({ possible: Type.Boolean(), detail: Type.String() }),
});
export type NodeBaseView = Static<typeof NodeBaseViewSchema>;

export const GatewayImageViewSchema = Type.Object({
  id: Type.String(),
  tags: Type.Array(Type.String()),
  role: Type.Union([Type.Literal('current'), Type.Literal('previous'), Type.Literal('old')]),
  created: Type.Number(),
  sizeBytes: Type.Number(),
  /** -1 when the engine did not report shared sizes. */
  uniqueBytes: Type.Number(),
});
export type GatewayImageView = Static<typeof GatewayImageViewSchema>;

/** The gateway images kept on the engine (current + previous for rollback) and their disk use. */
export const GatewayImagesViewSchema = Type.Object({
  imageTag: Type.String(),
  images: Type.Array(GatewayImageViewSchema),
  totalBytes: Type.Number(),
});
export type GatewayImagesView = Static<typeof GatewayImagesViewSchema>;

/** The Model step's providers (ChatGPT/Codex sign-in runs in the CLI container instead). */
export const ModelKindSchema = Type.Union([
  Type.Literal('openai'),
  Type.Literal('anthropic'),
  Type.Literal('openrouter'),
  Type.Literal('google'),
  Type.Literal('ollama'),
  Type.Literal('custom'),
]);
export type ModelKind = Static<typeof ModelKindSchema>;

/** What the user entered. Values are checked and trimmed by the host (plain-words problems). */
export const ModelSetupInputSchema = Type.Object(
  {
    kind: ModelKindSchema,
    model: Type.String({ maxLength: 256 }),
    /** Blank or omitted: keep the key already stored for this provider. */
    apiKey: Type.Optional(Type.String({ maxLength: 8192 })),
    /** Ollama and OpenAI-compatible URLs, as seen from this computer. */
    baseUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    /** Name of an OpenAI-compatible provider (default "custom"). */
    providerId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ModelSetupInput = Static<typeof ModelSetupInputSchema>;

export const ModelFieldSchema = Type.Union([
  Type.Literal('kind'),
  Type.Literal('model'),
  Type.Literal('apiKey'),
  Type.Literal('baseUrl'),
  Type.Literal('providerId'),
]);
export type ModelField = Static<typeof ModelFieldSchema>;

/** Test / Save: the model's answer, or what went wrong with the field to fix and the next step. */
export const ModelCallResultSchema = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    ref: Type.String(),
    answer: Type.String(),
    durationMs: Type.Number(),
    /** One sentence with the host's and the container's view of a local address. */
    where: Type.Optional(Type.String()),
    warning: Type.Optional(Type.String()),
    saved: Type.Optional(Type.Boolean()),
  }),
  Type.Object({
    ok: Type.Literal(false),
    problem: Type.Object({
      field: Type.Optional(ModelFieldSchema),
      code: Type.String(),
      message: Type.String(),
      nextStep: Type.String(),
    }),
  }),
]);
export type ModelCallResult = Static<typeof ModelCallResultSchema>;

export const ModelSetupViewSchema = Type.Object({
  /** The gateway's state folder exists (the setup has run). */
  ready: Type.Boolean(),
  current: Type.Optional(
    Type.Object({
      ref: Type.String(),
      providerId: Type.String(),
      model: Type.String(),
      kind: Type.Optional(ModelKindSchema),
      baseUrl: Type.Optional(Type.String()),
      hostUrl: Type.Optional(Type.String()),
      /** `sk-…abcd`; the key itself never leaves the host. */
      keyHint: Type.Optional(Type.String()),
      keySource: Type.Optional(Type.String()),
    }),
  ),
  configProblem: Type.Optional(Type.String()),
});
export type ModelSetupView = Static<typeof ModelSetupViewSchema>;

export const ModelKindCatalogSchema = Type.Object({
  kind: ModelKindSchema,
  label: Type.String(),
  needsKey: Type.Boolean(),
  keyPage: Type.Optional(Type.String()),
  defaultModel: Type.Optional(Type.String()),
  models: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});
export type ModelKindCatalog = Static<typeof ModelKindCatalogSchema>;

export const OllamaProbeSchema = Type.Object({
  found: Type.Boolean(),
  url: Type.String(),
  models: Type.Array(
    Type.Object({
      id: Type.String(),
      sizeBytes: Type.Optional(Type.Number()),
      parameterSize: Type.Optional(Type.String()),
    }),
  ),
  /** Whether the gateway's container can reach it ("unknown" off Linux, where Docker forwards). */
  containerReach: Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('unknown')]),
  hint: Type.Optional(Type.String()),
});
export type OllamaProbe = Static<typeof OllamaProbeSchema>;

function call<P extends TSchema, R extends TSchema>(params: P, result: R) {
  return { params, result };
}

/** Every host call: name → params schema and result schema. */
export const HostCalls = {
  'status.get': call(Empty, GatewayStatusSchema),
  'gateway.start': call(Empty, Ok),
  'gateway.stop': call(Empty, Ok),
  'gateway.restart': call(Empty, Ok),
  'gateway.rebuild': call(Empty, Ok),
  'operation.cancel': call(Empty, Type.Object({ cancelled: Type.Boolean() })),
  'setup.run': call(StackSettingsSchema, Type.Object({ dashboardUrl: Type.String() })),
  'stack.getSettings': call(
    Empty,
    Type.Object({ settings: StackSettingsSchema, setUp: Type.Boolean() }),
  ),
  'stack.check': call(
    StackSettingsSchema,
    Type.Object({ problems: Type.Array(StackProblemSchema) }),
  ),
  'stack.plan': call(StackSettingsSchema, ApplyPlanSchema),
  'stack.apply': call(StackSettingsSchema, ApplyPlanSchema),
  'stack.reachability': call(Empty, StackReachabilitySchema),
  /**
   * `cd '<stack dir>' && <detected compose> -f … [-p …] run --rm openclaw-cli <args…>`, quoted
   * for this host's shell. Formatting only: nothing is run.
   */
  'stack.cliCommand': call(
    Type.Object(
      {
        args: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
          minItems: 1,
          maxItems: 32,
        }),
      },
      { additionalProperties: false },
    ),
    TerminalCommandSchema,
  ),
  /** The pending (not applied) stack change, if any: see StackChangeSchema. */
  'stack.change': call(Empty, StackChangeSchema),
  /** Apply the failed change's settings again (same flow as stack.apply / setup.run). */
  'stack.retry': call(Empty, ApplyPlanSchema),
  /** Drop the failed change; the applied settings stay as they are. */
  'stack.discard': call(Empty, StackChangeSchema),
  /**
   * Empty the home volume (/home/node in the container): stop the gateway, remove the named
   * volume, recreate it. `volume` must repeat the configured name (the user typed it to confirm).
   */
  'stack.resetHome': call(
    Type.Object(
      { volume: Type.String({ minLength: 1, maxLength: 128 }) },
      { additionalProperties: false },
    ),
    Type.Object({ removed: Type.Boolean(), restarted: Type.Boolean() }),
  ),
  'approvals.list': call(
    Empty,
    Type.Object({
      pending: Type.Array(PairingRequestViewSchema),
      paired: Type.Array(PairedDeviceViewSchema),
    }),
  ),
  'approvals.approve': call(
    Type.Object(
      {
        requestId: Type.String({ minLength: 1, maxLength: 128 }),
        /** Grant only these of the requested scopes (the approver unticked the rest). */
        scopes: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 }),
        ),
      },
      { additionalProperties: false },
    ),
    Ok,
  ),
  'approvals.reject': call(
    Type.Object(
      { requestId: Type.String({ minLength: 1, maxLength: 128 }) },
      { additionalProperties: false },
    ),
    Ok,
  ),
  /** Chat-app senders waiting for DM pairing (listed every few seconds while connected). */
  'channels.requests': call(Empty, DmRequestsViewSchema),
  /** `bootstrapCommandOwner` only matters while no command owner is configured. */
  'channels.approve': call(
    DmRequestActionSchema,
    Type.Object({ ok: Type.Literal(true), commandOwner: Type.Boolean() }),
  ),
  'channels.dismiss': call(DmRequestActionSchema, Ok),
  /** Each chat app: its config (token set or not, DM policy) and the gateway's live rows. */
  'channels.view': call(Empty, ChannelsViewSchema),
  /** Token, on/off and DM policy into openclaw.json (refused when the file changed since baseHash). */
  'channels.save': call(ChannelSaveSchema, ChannelsViewSchema),
  'channels.start': call(ChannelTargetSchema, Ok),
  'channels.stop': call(ChannelTargetSchema, Ok),
  /** Forget the login (WhatsApp credentials); the config stays. */
  'channels.logout': call(ChannelTargetSchema, Ok),
  /** A WhatsApp QR to scan (`qrDataUrl`, a PNG data URL). */
  'channels.loginStart': call(WebLoginStartSchema, WebLoginResultSchema),
  /** Waits up to ~20 s for the scan; a rotated QR comes back in `qrDataUrl`. */
  'channels.loginWait': call(WebLoginWaitSchema, WebLoginResultSchema),
  'devices.revoke': call(
    Type.Object(
      {
        deviceId: Type.String({ minLength: 1, maxLength: 128 }),
        role: Type.String({ minLength: 1, maxLength: 32 }),
      },
      { additionalProperties: false },
    ),
    Ok,
  ),
  'devices.remove': call(
    Type.Object(
      { deviceId: Type.String({ minLength: 1, maxLength: 128 }) },
      { additionalProperties: false },
    ),
    Ok,
  ),
  'controlUi.url': call(Empty, Type.Object({ url: Type.String() })),
  /** The app's own Control UI (this renderer) announces its device key: approved by exact key. */
  'controlUi.expectDevice': call(
    Type.Object(
      { publicKey: Type.String({ minLength: 32, maxLength: 512 }) },
      { additionalProperties: false },
    ),
    Ok,
  ),
  /** Start the Docker engine where the OS allows it (Docker Desktop, systemd). */
  'engine.start': call(Empty, Type.Object({ started: Type.Boolean(), message: Type.String() })),
  'gateway.stats': call(
    Empty,
    Type.Union([
      Type.Null(),
      Type.Object({
        cpuPercent: Type.Number(),
        memoryBytes: Type.Number(),
        memoryLimitBytes: Type.Number(),
      }),
    ]),
  ),
  'settings.get': call(
    Empty,
    Type.Object({ settings: AppSettingsSchema, secretStorage: SecretStorageSchema }),
  ),
  'settings.update': call(
    Type.Partial(AppSettingsSchema, { additionalProperties: false }),
    AppSettingsSchema,
  ),
  'diagnostics.run': call(Empty, Type.Array(DiagnosticResultSchema)),
  'diagnostics.supportBundle': call(
    Empty,
    Type.Object({ file: Type.String(), entries: Type.Array(Type.String()) }),
  ),
  /** Which Node base the next build uses, and whether local bases can be made here. */
  'images.base': call(Empty, NodeBaseViewSchema),
  /** Runs scripts/make-base-images.sh (progress as `operation.progress`, kind "make-base"). */
  'images.makeBase': call(Empty, NodeBaseViewSchema),
  'images.usage': call(Empty, GatewayImagesViewSchema),
  /** Removes older gateway builds of this stack; the current and previous image stay. */
  'images.prune': call(
    Empty,
    Type.Object({ removed: Type.Number(), freedBytes: Type.Number(), skipped: Type.Number() }),
  ),
  /** The model the gateway uses now (key as a hint only), or that the setup has not run. */
  'model.get': call(Empty, ModelSetupViewSchema),
  /** Each provider of the Model step with the models the gateway knows for it. */
  'model.catalog': call(Empty, Type.Array(ModelKindCatalogSchema)),
  /** A local Ollama: its models, and whether the gateway's container can reach it. */
  'model.ollama': call(
    Type.Object(
      { url: Type.Optional(Type.String({ maxLength: 2048 })) },
      { additionalProperties: false },
    ),
    OllamaProbeSchema,
  ),
  /** One real call with these settings; nothing is written. */
  'model.test': call(ModelSetupInputSchema, ModelCallResultSchema),
  /** Test, and only when it answers: store the key (auth profile) and write openclaw.json. */
  'model.save': call(ModelSetupInputSchema, ModelCallResultSchema),
  /** Settings → Sandbox: on or off for the stack, and the policy in agents.defaults.sandbox. */
  'sandbox.settings': call(Empty, SandboxSettingsViewSchema),
  /** Writes the policy against the config hash it was read with (a newer file is refused). */
  'sandbox.savePolicy': call(
    Type.Object(
      {
        policy: SandboxPolicySchema,
        baseHash: Type.Union([Type.String({ minLength: 64, maxLength: 64 }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    SandboxSettingsViewSchema,
  ),
  /**
   * Turns the sandbox on (the chosen image built, its tag and the policy written, setup run so
   * sandboxd comes up) or off (sandboxd removed, mode off). One `operation.progress` run of kind
   * "sandbox"; a failure at any point puts `agents.defaults.sandbox` and the stack back as before.
   */
  'sandbox.apply': call(SandboxApplySchema, SandboxSettingsViewSchema),
  /** The agent sandbox containers on the engine (label openclaw.sandbox=1 only). */
  'sandboxes.list': call(Empty, SandboxListSchema),
  /** Removes a sandbox container; the next run that needs it creates a fresh one (recreate). */
  'sandboxes.remove': call(
    Type.Object({ name: SandboxNameSchema }, { additionalProperties: false }),
    Ok,
  ),
  /** Removes the sandbox containers idle longer than `idleHours`. */
  'sandboxes.prune': call(
    Type.Object(
      { idleHours: Type.Integer({ minimum: 1, maximum: 8760 }) },
      { additionalProperties: false },
    ),
    SandboxPruneResultSchema,
  ),
  /** The last `tail` lines a sandbox container wrote. */
  'sandboxes.logs': call(
    Type.Object(
      { name: SandboxNameSchema, tail: Type.Integer({ minimum: 1, maximum: 5000 }) },
      { additionalProperties: false },
    ),
    Type.Array(SandboxLogLineSchema),
  ),
  /**
   * A one-time noVNC link to watch (and take over) a running headful browser sandbox. The
   * Electron host opens it in the user's browser itself (`opened`); the headless host returns it
   * for the page to open.
   */
  'sandboxes.liveView': call(
    Type.Object({ name: SandboxNameSchema }, { additionalProperties: false }),
    SandboxLiveViewSchema,
  ),
  /** Where the app's own update stands (the headless host never updates itself). */
  'update.get': call(Empty, UpdateViewSchema),
  /** Check now (also with automatic checks off); the download is still asked for first. */
  'update.check': call(Empty, UpdateViewSchema),
  /** Restart into the downloaded update; refused until one is downloaded. */
  'update.install': call(Empty, Type.Object({ restarting: Type.Boolean() })),
  'logs.tail': call(
    Type.Object(
      { tail: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })) },
      { additionalProperties: false },
    ),
    Type.Array(LogLineSchema),
  ),
} as const;

export type HostCallName = keyof typeof HostCalls;
export type HostCallParams<K extends HostCallName> = Static<(typeof HostCalls)[K]['params']>;
export type HostCallResult<K extends HostCallName> = Static<(typeof HostCalls)[K]['result']>;

export const OperationProgressSchema = Type.Object({
  operationId: Type.String(),
  kind: Type.String(),
  phase: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  step: Type.Optional(
    Type.Object({
      index: Type.Number(),
      total: Type.Number(),
      /** Readable name of the build step ("Installing apt packages: jq"). */
      label: Type.Optional(Type.String()),
      /** The raw Dockerfile instruction, for the log. */
      instruction: Type.Optional(Type.String()),
    }),
  ),
  log: Type.Optional(Type.String()),
  done: Type.Optional(Type.Boolean()),
  error: Type.Optional(Type.String()),
});
export type OperationProgress = Static<typeof OperationProgressSchema>;

export const NotificationSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
});
export type HostNotification = Static<typeof NotificationSchema>;

/** Every host event: name → payload schema. Events are invalidations; the UI refetches. */
export const HostEvents = {
  status: GatewayStatusSchema,
  'operation.progress': OperationProgressSchema,
  'approvals.changed': Type.Object({ pending: Type.Number() }),
  notification: NotificationSchema,
  /**
   * The tray or an `openclaw-desktop://` link asks the window to show a page (an app path without
   * the leading slash; `dashboard` is `/`), optionally scrolled to the element with id `focus`.
   */
  navigate: Type.Object({ page: Type.String(), focus: Type.Optional(Type.String()) }),
  /** The app update moved on (checking, progress, downloaded…). */
  update: UpdateViewSchema,
} as const;

export type HostEventName = keyof typeof HostEvents;
export type HostEventPayload<K extends HostEventName> = Static<(typeof HostEvents)[K]>;

export { HOST_IPC, type HostApi, type HostCallError, type HostWireMessage } from './transport.js';
