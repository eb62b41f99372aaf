/**
 * The agent sandbox form, shared by the wizard's Sandbox step and Settings → Sandbox: mode,
 * container scope (a warning for shared), workspace access, the image (standard, with build
 * tools, or the user's own tag), and one action for what changed — "Build and turn on" (image
 * built with live progress, then setup adds sandboxd), "Turn off", "Build and apply" for another
 * image, or "Save" when only the policy changed. A save carries the config hash it was read with,
 * so an edit made elsewhere meanwhile is refused with "reload" rather than lost.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { SandboxSettingsView } from '../../../../electron/contract/sandbox-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import {
  nextStepFor,
  nextStepForCode,
  toHostError,
  type HostError,
} from '../../host/host-error.js';
import {
  Button,
  Callout,
  ConfirmDialog,
  ErrorState,
  Field,
  RadioCards,
  Skeleton,
  TextInput,
  toast,
  type RadioCardOption,
} from '../../ui/index.js';
import { OperationProgress } from '../operation/operation-progress.js';
import { useAppStore, useAppStoreApi } from '../store/app-store-context.js';
import {
  customTagProblem,
  draftOf,
  effectiveMode,
  imageChoiceOf,
  imageTagOf,
  policyOf,
  sandboxAction,
  type SandboxAction,
  type SandboxDraft,
  type SandboxModeChoice,
} from './sandbox-choices.js';

const MODES: RadioCardOption<SandboxModeChoice>[] = [
  { value: 'off', title: 'Off', description: 'Agent tools run inside the gateway container.' },
  {
    value: 'non-main',
    title: 'Other sessions',
    description:
      'Your own direct chat runs on the gateway; group chats and other agents run sandboxed.',
  },
  { value: 'all', title: 'Every session', description: 'All agent tools run in a sandbox.' },
];

const SCOPES: RadioCardOption<SandboxDraft['scope']>[] = [
  { value: 'agent', title: 'Per agent', description: 'One container for each agent (default).' },
  { value: 'session', title: 'Per session', description: 'A fresh container for every session.' },
  { value: 'shared', title: 'Shared', description: 'One container for all agents and sessions.' },
];

const ACCESS: RadioCardOption<SandboxDraft['workspaceAccess']>[] = [
  {
    value: 'none',
    title: 'None',
    description: 'Tools work in a separate sandbox folder and cannot see the agent workspace.',
  },
  {
    value: 'ro',
    title: 'Read only',
    description: 'The agent workspace is visible at /agent but cannot be changed.',
  },
  {
    value: 'rw',
    title: 'Read and write',
    description: 'Tools work directly in the agent workspace and can change its files.',
  },
];

function imageOptions(view: SandboxSettingsView): RadioCardOption<SandboxDraft['imageKind']>[] {
  const tag = (t: string) => <code className="sandbox-settings__tag">{t}</code>;
  return [
    {
      value: 'default',
      title: 'Standard',
      description: (
        <>
          {tag(view.standardImages.default)}
          bash, git, curl, jq, Python, ripgrep. About 220 MB, built here in a minute or two.
        </>
      ),
    },
    {
      value: 'common',
      title: 'With build tools',
      description: (
        <>
          {tag(view.standardImages.common)}
          Adds Node, Go, Rust and compilers. Over 1 GB; the first build takes several minutes.
        </>
      ),
    },
    {
      value: 'custom',
      title: 'My own image',
      description: 'An image already on this Docker engine, under your tag. Nothing is built.',
    },
  ];
}

/**
 * Next steps in the sandbox's terms: the generic ones speak of the gateway's packages and setup,
 * but the sandbox image's packages are the app's own.
 */
const SANDBOX_NEXT_STEPS: Record<string, string> = {
  IMAGE_BUILD_FAILED:
    'The log above shows the failing step of the sandbox image. Fix what it names (often the network during the build), then try again, or choose another image.',
  APT_PACKAGE_NOT_FOUND:
    'The sandbox image’s Debian packages could not be installed (see the log above). Check that Docker builds reach the Debian mirror, then try again, or choose another image.',
  APT_MIRROR_UNREACHABLE:
    'Docker builds cannot reach the Debian mirror. Check this computer’s internet connection or proxy, then try again; or use an image already on this engine (My own image).',
  IMAGE_NOT_FOUND:
    'Build or load the image on this engine first (docker build -t … or docker load -i …), check the tag, or choose the standard image.',
  NOT_FOUND: 'Finish the gateway setup first, then turn the sandbox on.',
};

const ACTION_LABEL: Record<Exclude<SandboxAction, 'none'>, string> = {
  'turn-on': 'Build and turn on',
  'turn-off': 'Turn off',
  'change-image': 'Build and apply',
  save: 'Save',
};

export interface FooterState {
  view: SandboxSettingsView;
  busy: boolean;
  /** The choices differ from what runs: there is something to apply. */
  dirty: boolean;
}

export interface SandboxFormProps {
  /** Wizard: a first choice (no confirmation, Off is the way to skip). Settings: confirms switches. */
  variant: 'wizard' | 'settings';
  /** Buttons at the start of the footer (Skip in the wizard, See containers in Settings). */
  footerStart?: (state: FooterState) => ReactNode;
  /** The footer's end when there is nothing to apply (the wizard's Continue). */
  footerEnd?: (state: FooterState) => ReactNode;
  onApplied?: (view: SandboxSettingsView) => void;
}

export function SandboxForm({ variant, footerStart, footerEnd, onApplied }: SandboxFormProps) {
  const api = useHostApi();
  const storeApi = useAppStoreApi();
  const operation = useAppStore((s) => s.operation);
  const cancel = useAppStore((s) => s.cancelOperation);
  const [view, setView] = useState<SandboxSettingsView>();
  const [draft, setDraft] = useState<SandboxDraft>();
  const [loadError, setLoadError] = useState<HostError>();
  const [error, setError] = useState<HostError>();
  const [running, setRunning] = useState<SandboxAction>();
  const [confirm, setConfirm] = useState<SandboxAction>();
  const [showTagError, setShowTagError] = useState(false);
  const progressRef = useRef<HTMLDivElement>(null);
  // The choices above are long: bring the live build (or its failure) into view when it starts.
  const showProgress =
    running === 'turn-on' || running === 'turn-off' || running === 'change-image';
  useEffect(() => {
    if (showProgress)
      progressRef.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [showProgress]);

  const load = useCallback(() => {
    api.call('sandbox.settings', {}).then(
      (v) => (setView(v), setDraft(draftOf(v)), setLoadError(undefined), setError(undefined)),
      (err: unknown) => setLoadError(toHostError(err)),
    );
  }, [api]);
  useEffect(load, [load]);

  if (!view || !draft) {
    return loadError ? (
      <ErrorState
        compact
        title="Could not read the sandbox settings"
        message={loadError.message}
        nextStep={nextStepFor(loadError)}
        onRetry={load}
        retryLabel="Reload"
      />
    ) : (
      <Skeleton lines={3} />
    );
  }

  const action = sandboxAction(view, draft);
  const tagProblem =
    draft.mode !== 'off' && draft.imageKind === 'custom'
      ? customTagProblem(draft.customTag)
      : undefined;
  const busy = running !== undefined;
  const sandboxOperation =
    operation && operation.kind.startsWith('sandbox') && (busy || operation.error)
      ? operation
      : null;

  const done = (v: SandboxSettingsView, title: string) => {
    setRunning(undefined);
    setView(v);
    setDraft(draftOf(v));
    toast({ tone: 'success', title });
    onApplied?.(v);
  };
  const failed = (err: unknown) => {
    setRunning(undefined);
    setError(toHostError(err));
  };

  const run = (what: SandboxAction) => {
    setConfirm(undefined);
    setError(undefined);
    if (what === 'none') return;
    if (what === 'save') {
      const policy = policyOf(draft);
      if (!policy) return;
      setRunning(what);
      api
        .call('sandbox.savePolicy', { policy, baseHash: view.baseHash })
        .then((v) => done(v, 'Sandbox settings saved'), failed);
      return;
    }
    if (tagProblem) return setShowTagError(true);
    const enabled = what !== 'turn-off';
    setRunning(what);
    storeApi.getState().beginOperation(enabled ? 'sandbox' : 'sandbox-off');
    api
      .call('sandbox.apply', {
        enabled,
        ...(enabled ? { policy: policyOf(draft), image: imageChoiceOf(draft) } : {}),
      })
      .then(
        (v) => {
          storeApi.getState().finishOperation();
          done(v, enabled ? 'The agent sandbox is on' : 'The agent sandbox is off');
        },
        (err: unknown) => {
          storeApi.getState().failOperation(toHostError(err));
          failed(err);
          // The host put the config back: show what holds now.
          api.call('sandbox.settings', {}).then(setView, () => undefined);
        },
      );
  };

  const primary = () => {
    // Settings asks before a switch that restarts the gateway; the wizard's step is the question.
    if (variant === 'settings' && action !== 'save') setConfirm(action);
    else run(action);
  };
  const set = (patch: Partial<SandboxDraft>) => setDraft({ ...draft, ...patch });
  const footer: FooterState = { view, busy, dirty: action !== 'none' };
  const on = draft.mode !== 'off';
  const wasOn = effectiveMode(view) !== 'off';

  return (
    <div className="sandbox-settings">
      {view.configProblem ? <Callout tone="danger">{view.configProblem}</Callout> : null}
      {wasOn && !busy ? (
        <Callout tone="success" title="The agent sandbox is on">
          sandboxd runs beside the gateway and starts sandbox containers from {view.image}.
        </Callout>
      ) : null}
      <fieldset className="sandbox-settings__policy" disabled={busy}>
        <RadioCards
          legend="Sandbox agent tools"
          value={draft.mode}
          options={MODES}
          columns={3}
          onChange={(mode) => set({ mode })}
        />
        {on ? (
          <>
            <RadioCards
              legend="Containers"
              value={draft.scope}
              options={SCOPES}
              columns={3}
              onChange={(scope) => set({ scope })}
            />
            {draft.scope === 'shared' ? (
              <Callout tone="warning" title="Sessions are not isolated from each other">
                With one shared container, a session can see files and processes another left
                behind. Use it only when every sender is trusted.
              </Callout>
            ) : null}
            <RadioCards
              legend="Agent workspace access"
              value={draft.workspaceAccess}
              options={ACCESS}
              columns={3}
              onChange={(workspaceAccess) => set({ workspaceAccess })}
            />
            <RadioCards
              legend="Sandbox image"
              value={draft.imageKind}
              options={imageOptions(view)}
              columns={3}
              onChange={(imageKind) => set({ imageKind })}
            />
            {draft.imageKind === 'custom' ? (
              <Field
                label="Image tag"
                hint="Build or load it first (docker build -t … or docker load -i …). It should run as a non-root user."
                error={showTagError || draft.customTag ? tagProblem : undefined}
              >
                <TextInput
                  mono
                  value={draft.customTag}
                  placeholder="registry.example.com/team/sandbox:2"
                  onChange={(e) => set({ customTag: e.target.value })}
                  onBlur={() => setShowTagError(true)}
                />
              </Field>
            ) : null}
          </>
        ) : null}
      </fieldset>
      <div ref={progressRef} className="sandbox-settings__progress">
        {sandboxOperation ? (
          <OperationProgress
            operation={sandboxOperation}
            onCancel={busy ? () => void cancel() : undefined}
            showLog={variant === 'wizard' || Boolean(sandboxOperation.error)}
          />
        ) : null}
      </div>
      {error ? (
        <ErrorState
          compact
          title={
            error.code === 'CONFIG_CONFLICT'
              ? 'Not saved'
              : running === 'turn-off' || (wasOn && draft.mode === 'off')
                ? 'The sandbox is still on'
                : wasOn
                  ? 'The sandbox settings did not change'
                  : 'The sandbox is still off'
          }
          message={error.message}
          nextStep={
            error.code === 'CONFIG_CONFLICT'
              ? 'openclaw.json changed since this form was loaded. Reload to see the current values, then choose again.'
              : (SANDBOX_NEXT_STEPS[error.code] ??
                nextStepForCode(error.code) ??
                'Check the log above, then try again.')
          }
          onRetry={error.code === 'CONFIG_CONFLICT' ? load : undefined}
          retryLabel="Reload"
        />
      ) : null}
      <div className={`sandbox-settings__actions sandbox-settings__actions--${variant}`}>
        <div className="sandbox-settings__actions-start">{footerStart?.(footer)}</div>
        {action === 'none' ? (
          footerEnd?.(footer)
        ) : (
          <Button
            variant={action === 'turn-off' ? 'danger' : 'primary'}
            icon={action === 'save' ? undefined : action === 'turn-off' ? 'stop' : 'play'}
            disabled={Boolean(view.configProblem) || (busy && running !== action)}
            loading={running === action}
            onClick={primary}
          >
            {ACTION_LABEL[action]}
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirm !== undefined}
        title={
          confirm === 'turn-off'
            ? 'Turn the agent sandbox off?'
            : confirm === 'change-image'
              ? 'Change the sandbox image?'
              : 'Turn the agent sandbox on?'
        }
        body={
          confirm === 'turn-off'
            ? 'Setup runs again: sandboxd is removed and the gateway restarts. Agent tools then run inside the gateway container.'
            : `The app builds ${imageTagOf(draft, view)} if needed (a few minutes the first time), then setup runs again: sandboxd ${confirm === 'change-image' ? 'restarts with the new image' : 'is added with the Docker socket'} and the gateway restarts.`
        }
        confirmLabel={confirm ? ACTION_LABEL[confirm as Exclude<SandboxAction, 'none'>] : ''}
        tone={confirm === 'turn-off' ? 'danger' : undefined}
        onConfirm={() => confirm && run(confirm)}
        onCancel={() => setConfirm(undefined)}
      />
    </div>
  );
}
