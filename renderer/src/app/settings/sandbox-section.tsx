/**
 * Settings → Sandbox: turn the agent sandbox on or off for the stack (setup runs, building the
 * sandbox image with live progress), and choose the policy in `agents.defaults.sandbox`. Every
 * choice is one of a fixed set, so no input can be invalid; a save carries the config hash it was
 * read with, so an edit made elsewhere meanwhile is refused with "reload" rather than lost.
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  SandboxPolicy,
  SandboxSettingsView,
} from '../../../../electron/contract/sandbox-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import { navigate } from '../../shell/router.js';
import {
  Button,
  Callout,
  Card,
  ConfirmDialog,
  ErrorState,
  RadioCards,
  Skeleton,
  Toggle,
  toast,
  type RadioCardOption,
} from '../../ui/index.js';
import { OperationProgress } from '../operation/operation-progress.js';
import { useAppStore } from '../store/app-store-context.js';

const MODES: RadioCardOption<SandboxPolicy['mode']>[] = [
  {
    value: 'non-main',
    title: 'Other sessions',
    description:
      'Your own direct chat runs on the gateway; group chats and other agents run sandboxed.',
  },
  { value: 'all', title: 'Every session', description: 'All agent tools run in a sandbox.' },
];

const SCOPES: RadioCardOption<SandboxPolicy['scope']>[] = [
  { value: 'agent', title: 'Per agent', description: 'One container for each agent.' },
  { value: 'session', title: 'Per session', description: 'A fresh container for every session.' },
  {
    value: 'shared',
    title: 'Shared',
    description: 'One container for all agents and sessions.',
  },
];

const ACCESS: RadioCardOption<SandboxPolicy['workspaceAccess']>[] = [
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

function policyOf(view: SandboxSettingsView): SandboxPolicy {
  return {
    mode: view.mode === 'all' ? 'all' : 'non-main',
    scope: view.scope,
    workspaceAccess: view.workspaceAccess,
  };
}

export function SandboxSection() {
  const api = useHostApi();
  const operation = useAppStore((s) => s.operation);
  const [view, setView] = useState<SandboxSettingsView>();
  const [draft, setDraft] = useState<SandboxPolicy>();
  const [error, setError] = useState<HostError>();
  const [saving, setSaving] = useState(false);
  const [switching, setSwitching] = useState<boolean>();
  const [confirm, setConfirm] = useState<boolean>();

  const load = useCallback(() => {
    api.call('sandbox.settings', {}).then(
      (v) => (setView(v), setDraft(policyOf(v)), setError(undefined)),
      (err: unknown) => setError(toHostError(err)),
    );
  }, [api]);
  useEffect(load, [load]);

  const setEnabled = (enabled: boolean) => {
    setConfirm(undefined);
    setSwitching(enabled);
    setError(undefined);
    api.call('sandbox.setEnabled', { enabled }).then(
      (v) => {
        setSwitching(undefined);
        setView(v);
        setDraft(policyOf(v));
        toast({ tone: 'success', title: enabled ? 'Sandbox turned on' : 'Sandbox turned off' });
      },
      (err: unknown) => (setSwitching(undefined), setError(toHostError(err)), load()),
    );
  };

  const save = () => {
    if (!view || !draft) return;
    setSaving(true);
    setError(undefined);
    api.call('sandbox.savePolicy', { policy: draft, baseHash: view.baseHash }).then(
      (v) => {
        setSaving(false);
        setView(v);
        setDraft(policyOf(v));
        toast({ tone: 'success', title: 'Sandbox settings saved' });
      },
      (err: unknown) => (setSaving(false), setError(toHostError(err))),
    );
  };

  const changed = view && draft ? JSON.stringify(policyOf(view)) !== JSON.stringify(draft) : false;
  const busy = switching !== undefined;

  return (
    <section className="settings-group" aria-labelledby="settings-sandbox-heading">
      <div className="settings-group__head">
        <h2 id="settings-sandbox-heading" className="settings-group__title">
          Sandbox
        </h2>
        <p className="ui-muted">
          Run agent tools in locked-down containers instead of the gateway itself.
        </p>
      </div>
      <Card>
        {!view || !draft ? (
          error ? (
            <ErrorState
              compact
              title="Could not read the sandbox settings"
              message={error.message}
              nextStep={nextStepFor(error)}
              onRetry={load}
              retryLabel="Reload"
            />
          ) : (
            <Skeleton lines={3} />
          )
        ) : (
          <div className="sandbox-settings">
            <Toggle
              checked={switching ?? view.enabled}
              disabled={busy}
              onChange={(on) => setConfirm(on)}
              label="Agent sandbox"
              description={
                busy
                  ? `Turning ${switching ? 'on' : 'off'}: setup is running…`
                  : view.enabled
                    ? `On: sandboxd runs beside the gateway with the image ${view.image}.`
                    : 'Off: agent tools run inside the gateway container.'
              }
            />
            {busy && operation ? <OperationProgress operation={operation} showLog={false} /> : null}
            {error ? (
              <ErrorState
                compact
                title={switching === undefined ? 'Not changed' : undefined}
                message={error.message}
                nextStep={
                  error.code === 'CONFIG_CONFLICT'
                    ? 'openclaw.json changed since this form was loaded. Reload to see the current values, then choose again.'
                    : nextStepFor(error)
                }
                onRetry={error.code === 'CONFIG_CONFLICT' ? load : undefined}
                retryLabel="Reload"
              />
            ) : null}
            {view.configProblem ? <Callout tone="danger">{view.configProblem}</Callout> : null}
            <fieldset className="sandbox-settings__policy" disabled={!view.enabled || busy}>
              {!view.enabled ? (
                <p className="ui-muted">Turn the sandbox on to choose how it is used.</p>
              ) : null}
              <RadioCards
                legend="Which sessions"
                value={draft.mode}
                options={MODES}
                columns={2}
                onChange={(mode) => setDraft({ ...draft, mode })}
              />
              <RadioCards
                legend="Containers"
                value={draft.scope}
                options={SCOPES}
                columns={3}
                onChange={(scope) => setDraft({ ...draft, scope })}
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
                onChange={(workspaceAccess) => setDraft({ ...draft, workspaceAccess })}
              />
              <div className="sandbox-settings__actions">
                <Button variant="ghost" onClick={() => navigate('/sandboxes')}>
                  See containers
                </Button>
                <Button
                  variant="primary"
                  disabled={!changed || Boolean(view.configProblem)}
                  loading={saving}
                  onClick={save}
                >
                  Save
                </Button>
              </div>
            </fieldset>
          </div>
        )}
      </Card>
      <ConfirmDialog
        open={confirm !== undefined}
        title={confirm ? 'Turn the agent sandbox on?' : 'Turn the agent sandbox off?'}
        body={
          confirm
            ? 'Setup runs again: it builds the sandbox image (a few minutes the first time), adds the sandboxd service and restarts the gateway. Other sessions then run their tools in a sandbox.'
            : 'Setup runs again: sandboxd is removed and the gateway restarts. Agent tools then run inside the gateway container.'
        }
        confirmLabel={confirm ? 'Turn on' : 'Turn off'}
        onConfirm={() => setEnabled(Boolean(confirm))}
        onCancel={() => setConfirm(undefined)}
      />
    </section>
  );
}
