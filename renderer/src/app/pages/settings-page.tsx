/**
 * Settings: how the app behaves (applies at once) and the stack wizards again. Stack changes are
 * collected in a draft; "Review changes" asks the host what they imply (`stack.plan`: nothing,
 * recreate the container, or rebuild the image) BEFORE anything happens, then applies with progress.
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { StackSettings } from '../../../../electron/contract/host-api.js';
import { useHost } from '../../host/host-context.js';
import { navigate } from '../../shell/router.js';
import { nextStepFor } from '../../host/host-error.js';
import {
  Button,
  Callout,
  Card,
  ErrorState,
  Page,
  PageHeader,
  Skeleton,
  Toggle,
} from '../../ui/index.js';
import { ApplyDialog } from '../settings/apply-dialog.js';
import { BaseImageSummary, GatewayImagesCard } from '../stack/gateway-image.js';
import { HomeVolumeEditor } from '../stack/home-volume-editor.js';
import { MountsEditor } from '../stack/mounts-editor.js';
import { PackagesEditor } from '../stack/packages-editor.js';
import { PortEditor } from '../stack/port-editor.js';
import {
  createDraftStore,
  draftProblems,
  draftToSettings,
  sameSettings,
  sectionForFailure,
  sectionHasProblems,
  type DraftSection,
  type DraftStore,
} from '../stack/stack-draft.js';
import { useAppStore } from '../store/app-store-context.js';

const BEHAVIOUR: ReadonlyArray<{
  key: 'startAtLogin' | 'startInBackground' | 'closeToTray' | 'stopGatewayOnQuit';
  label: string;
  description: string;
}> = [
  {
    key: 'startAtLogin',
    label: 'Start at login',
    description: 'Open OpenClaw Desktop when you log in to this computer.',
  },
  {
    key: 'startInBackground',
    label: 'Start in the background',
    description: 'Start in the tray without opening this window.',
  },
  {
    key: 'closeToTray',
    label: 'Keep running when the window is closed',
    description: 'Closing the window leaves the app in the tray; quit from the tray menu.',
  },
  {
    key: 'stopGatewayOnQuit',
    label: 'Stop the gateway when quitting',
    description: 'Otherwise the gateway keeps running in Docker after the app quits.',
  },
];

function BehaviourCard() {
  const appSettings = useAppStore((s) => s.appSettings);
  const load = useAppStore((s) => s.loadAppSettings);
  const update = useAppStore((s) => s.updateAppSetting);
  const saving = useAppStore((s) => s.savingSetting);
  const { kind } = useHost();
  useEffect(() => {
    void load();
  }, [load]);
  const data = appSettings.data;
  return (
    <Card
      title="App behaviour"
      description={
        kind === 'headless'
          ? 'These apply when OpenClaw Desktop runs as a desktop app.'
          : 'Changes apply immediately.'
      }
    >
      {appSettings.error && !data ? (
        <ErrorState
          compact
          message={appSettings.error.message}
          nextStep={nextStepFor(appSettings.error)}
          onRetry={() => void load()}
          retrying={appSettings.loading}
        />
      ) : !data ? (
        <Skeleton lines={4} />
      ) : (
        <div className="settings-toggles">
          {data.secretStorage.kind === 'plaintext-file' ? (
            <Callout tone="warning" title="Secrets are stored in a plain file">
              {data.secretStorage.warning ??
                'No system keychain is available, so the app’s device key is kept in a file only your user can read.'}
            </Callout>
          ) : null}
          {BEHAVIOUR.map((b) => (
            <Toggle
              key={b.key}
              checked={data.settings[b.key]}
              disabled={saving === b.key}
              onChange={(value) => void update(b.key, value)}
              label={b.label}
              description={b.description}
            />
          ))}
        </div>
      )}
    </Card>
  );
}

function StackEditors({ store }: { store: DraftStore }) {
  const draft = useStore(store, (s) => s.draft);
  const initial = useStore(store, (s) => s.initial);
  const [hostError, setHostError] = useState<{ section: DraftSection; message: string } | null>(
    null,
  );
  const [reviewing, setReviewing] = useState<StackSettings | null>(null);
  const settings = draftToSettings(draft);
  const problems = draftProblems(draft);
  const dirty = !sameSettings(settings, initial);
  const errorFor = (section: DraftSection) =>
    hostError?.section === section ? hostError.message : undefined;

  const review = () => {
    if (sectionHasProblems(problems)) {
      store.getState().setShowAll(true);
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('.settings-stack [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setHostError(null);
    setReviewing(settings);
  };

  return (
    <div className="settings-stack">
      <Card
        title="Extra folders"
        description="Folders of this computer the gateway can see. Changing them recreates the container."
      >
        <MountsEditor store={store} hostError={errorFor('mounts')} />
      </Card>
      <Card title="Packages" description="Extra Debian packages in the gateway image.">
        <PackagesEditor store={store} hostError={errorFor('packages')} />
      </Card>
      <Card title="Home volume" description="Whether /home/node survives rebuilds.">
        <HomeVolumeEditor store={store} hostError={errorFor('home')} />
      </Card>
      <Card title="Network" description="The gateway’s port on this computer.">
        <PortEditor store={store} hostError={errorFor('port')} />
      </Card>
      <div
        className={['settings-bar', dirty ? 'settings-bar--visible' : ''].filter(Boolean).join(' ')}
        aria-hidden={!dirty}
      >
        <p className="settings-bar__text">You have changes that are not applied yet.</p>
        <Button
          variant="ghost"
          tabIndex={dirty ? 0 : -1}
          onClick={() => store.getState().reset(initial)}
        >
          Discard
        </Button>
        <Button variant="primary" tabIndex={dirty ? 0 : -1} onClick={review}>
          Review changes
        </Button>
      </div>
      <ApplyDialog
        next={reviewing}
        onClose={(result) => {
          setReviewing(null);
          if (result.kind === 'failed') {
            const section = sectionForFailure(result.code, result.message);
            if (section) setHostError({ section, message: result.message });
          }
        }}
      />
    </div>
  );
}

function StackSection() {
  const stack = useAppStore((s) => s.stack);
  const load = useAppStore((s) => s.loadStack);
  const [store, setStore] = useState<DraftStore | null>(null);
  useEffect(() => {
    void load();
  }, [load]);
  // (Re)start the draft from what the host has whenever it changes (after an apply, for example).
  useEffect(() => {
    if (!stack.data) return;
    if (!store) setStore(createDraftStore(stack.data.settings));
    else if (!sameSettings(store.getState().initial, stack.data.settings))
      store.getState().reset(stack.data.settings);
  }, [stack.data, store]);

  if (stack.error && !stack.data)
    return (
      <ErrorState
        title="Could not read the stack settings"
        message={stack.error.message}
        nextStep={nextStepFor(stack.error)}
        onRetry={() => void load()}
        retrying={stack.loading}
      />
    );
  if (!store || !stack.data)
    return (
      <Card>
        <Skeleton lines={5} />
      </Card>
    );
  if (!stack.data.setUp)
    return (
      <Callout
        tone="info"
        title="The gateway is not set up yet"
        actions={
          <Button size="sm" variant="primary" onClick={() => navigate('/setup')}>
            Start setup
          </Button>
        }
      >
        Run the setup first; these settings become editable afterwards.
      </Callout>
    );
  return <StackEditors store={store} />;
}

export function SettingsPage() {
  return (
    <Page>
      <PageHeader
        title="Settings"
        description="How the app behaves, and what the gateway container gets."
      />
      <BehaviourCard />
      <section className="settings-group" aria-labelledby="settings-stack-heading">
        <div className="settings-group__head">
          <h2 id="settings-stack-heading" className="settings-group__title">
            Gateway stack
          </h2>
          <p className="ui-muted">Nothing changes until you review and apply.</p>
        </div>
        <StackSection />
      </section>
      <section className="settings-group" aria-labelledby="settings-image-heading">
        <div className="settings-group__head">
          <h2 id="settings-image-heading" className="settings-group__title">
            Gateway image
          </h2>
          <p className="ui-muted">What the image is built on, and the disk it takes.</p>
        </div>
        <BaseImageSummary level={2} />
        <GatewayImagesCard />
      </section>
    </Page>
  );
}
