/**
 * Settings: how the app behaves (applies at once), the model (tested before it is saved), and everything the setup wizard says can be
 * changed later (folders, extra folders, packages, home volume with its reset, port, re-running
 * the setup). Stack changes are collected in a draft; "Review changes" asks the host what they
 * imply (`stack.plan`: nothing, recreate the container, or rebuild the image) BEFORE anything
 * happens, then applies with progress. A change the host could not apply stays visibly "not
 * applied" (banner with the error, Retry, Discard) — the cards never show it as the current state.
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { StackChange, StackSettings } from '../../../../electron/contract/host-api.js';
import { useHost } from '../../host/host-context.js';
import { navigate } from '../../shell/router.js';
import { nextStepFor } from '../../host/host-error.js';
import {
  Badge,
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
import { ModelSection } from '../settings/model-section.js';
import { SandboxSection } from '../settings/sandbox-section.js';
import { PendingChangeBanner } from '../settings/pending-change.js';
import { ResetHomeDialog } from '../settings/reset-home-dialog.js';
import { FoldersEditor } from '../stack/folders-editor.js';
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
  key:
    'startAtLogin' | 'startInBackground' | 'closeToTray' | 'stopGatewayOnQuit' | 'checkForUpdates';
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
  {
    key: 'checkForUpdates',
    label: 'Check for updates automatically',
    description:
      'Look for a new version at start and every 12 hours; nothing is downloaded without asking.',
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

/** Host codes for input refused before anything ran (nothing was recorded as pending). */
const REFUSED = new Set(['INVALID_ARGUMENT', 'STACK_INPUT_INVALID', 'GATEWAY_PORT_IN_USE']);

/** A card title with a "not applied" mark when its section differs from what runs. */
function SectionTitle({ title, pending }: { title: string; pending: boolean }) {
  return (
    <span className="settings-section-title">
      {title}
      {pending ? (
        <Badge tone="warning" title="Saved as a change that is not applied yet">
          not applied
        </Badge>
      ) : null}
    </span>
  );
}

function StackEditors({
  store,
  applied,
  change,
}: {
  store: DraftStore;
  /** What the stack runs now. */
  applied: StackSettings;
  /** The host's pending change (a failed one is what the draft starts from). */
  change: StackChange | undefined;
}) {
  const draft = useStore(store, (s) => s.draft);
  const initial = useStore(store, (s) => s.initial);
  const discardStack = useAppStore((s) => s.discardStack);
  const [hostError, setHostError] = useState<{ section: DraftSection; message: string } | null>(
    null,
  );
  const [reviewing, setReviewing] = useState<{
    next: StackSettings;
    mode: 'apply' | 'retry';
  } | null>(null);
  const [discarding, setDiscarding] = useState(false);
  const [resetOpen, setResetOpen] = useState(false);
  const settings = draftToSettings(draft);
  const problems = draftProblems(draft);
  const dirty = !sameSettings(settings, initial);
  const failed = change?.state === 'failed' ? change : undefined;
  const errorFor = (section: DraftSection) =>
    hostError?.section === section ? hostError.message : undefined;
  const differs = {
    folders:
      settings.configDir !== applied.configDir || settings.workspaceDir !== applied.workspaceDir,
    mounts: JSON.stringify(settings.extraMounts) !== JSON.stringify(applied.extraMounts),
    packages: JSON.stringify(settings.aptPackages) !== JSON.stringify(applied.aptPackages),
    home: JSON.stringify(settings.homeVolume) !== JSON.stringify(applied.homeVolume),
    port:
      settings.gatewayPort !== applied.gatewayPort || settings.exposeOnLan !== applied.exposeOnLan,
  };
  const homeVolume = applied.homeVolume?.kind === 'volume' ? applied.homeVolume.name : null;

  const review = () => {
    if (sectionHasProblems(problems)) {
      store.getState().setShowAll(true);
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('.settings-stack [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setHostError(null);
    setReviewing({ next: settings, mode: 'apply' });
  };
  const discard = () => {
    setDiscarding(true);
    void discardStack().finally(() => setDiscarding(false));
  };

  return (
    <div className="settings-stack">
      {change ? (
        <PendingChangeBanner
          change={change}
          applied={applied}
          discarding={discarding}
          onRetry={() => failed && setReviewing({ next: failed.desired, mode: 'retry' })}
          onDiscard={discard}
        />
      ) : null}
      <Card
        title={<SectionTitle title="Folders" pending={differs.folders} />}
        description="Where the gateway keeps its config and where the agent works. Changing them recreates the container with the new folders; nothing is copied or deleted, so the gateway then uses what is in the new folders (paired devices live in the config folder)."
      >
        <FoldersEditor store={store} />
      </Card>
      <Card
        title={<SectionTitle title="Extra folders" pending={differs.mounts} />}
        description="Folders of this computer the gateway can see. Changing them recreates the container."
      >
        <MountsEditor store={store} hostError={errorFor('mounts')} applied={applied.extraMounts} />
      </Card>
      <Card
        title={<SectionTitle title="Packages" pending={differs.packages} />}
        description="Extra Debian packages in the gateway image."
      >
        <PackagesEditor
          store={store}
          hostError={errorFor('packages')}
          applied={applied.aptPackages}
        />
      </Card>
      {/*
        Base image: the choice of the gateway image's base (stack setting and resolver) is being
        added to the host API in another slice of issue 9. Its card goes HERE, between the
        packages (baked into that image) and the home volume; it is not implemented in this slice.
      */}
      <Card
        title={<SectionTitle title="Home volume" pending={differs.home} />}
        description="Whether /home/node survives rebuilds."
        actions={
          homeVolume ? (
            <Button size="sm" variant="danger" icon="trash" onClick={() => setResetOpen(true)}>
              Reset home volume…
            </Button>
          ) : undefined
        }
      >
        <HomeVolumeEditor store={store} hostError={errorFor('home')} />
      </Card>
      <Card
        title={<SectionTitle title="Network" pending={differs.port} />}
        description="The gateway’s port, and who may reach it."
      >
        <PortEditor store={store} hostError={errorFor('port')} />
      </Card>
      <Card
        title="Setup"
        actions={
          <Button size="sm" icon="setup" onClick={() => navigate('/setup')}>
            Re-run setup
          </Button>
        }
      >
        <p className="ui-muted">
          Walk through the setup wizard again, starting from the settings in use. Your config,
          workspace and paired devices stay.
        </p>
      </Card>
      <div
        className={['settings-bar', dirty ? 'settings-bar--visible' : ''].filter(Boolean).join(' ')}
        aria-hidden={!dirty}
      >
        <p className="settings-bar__text">
          {failed
            ? 'You edited the changes that are not applied.'
            : 'You have changes that are not applied yet.'}
        </p>
        <Button
          variant="ghost"
          tabIndex={dirty ? 0 : -1}
          onClick={() => store.getState().reset(initial)}
        >
          {failed ? 'Undo edits' : 'Discard'}
        </Button>
        <Button variant="primary" tabIndex={dirty ? 0 : -1} onClick={review}>
          Review changes
        </Button>
      </div>
      <ApplyDialog
        next={reviewing?.next ?? null}
        mode={reviewing?.mode}
        onClose={(result) => {
          setReviewing(null);
          // Refused input belongs next to its field. A change that ran and failed is the host's
          // pending change: the banner above shows it (and an unknown apt package is marked on
          // the Packages card too).
          if (result.kind === 'failed' && !REFUSED.has(result.code ?? ''))
            requestAnimationFrame(() =>
              document.querySelector('.pending-change')?.scrollIntoView?.({ block: 'start' }),
            );
          if (result.kind === 'failed') {
            const section = sectionForFailure(result.code, result.message);
            if (section) setHostError({ section, message: result.message });
          }
        }}
      />
      {homeVolume ? (
        <ResetHomeDialog volume={homeVolume} open={resetOpen} onClose={() => setResetOpen(false)} />
      ) : null}
    </div>
  );
}

/** The draft starts from the failed change when there is one (it is what the user asked for). */
function draftBase(applied: StackSettings, change: StackChange | undefined): StackSettings {
  return change?.state === 'failed' ? change.desired : applied;
}

function StackSection() {
  const stack = useAppStore((s) => s.stack);
  const stackChange = useAppStore((s) => s.stackChange);
  const load = useAppStore((s) => s.loadStack);
  const loadChange = useAppStore((s) => s.loadStackChange);
  const [store, setStore] = useState<DraftStore | null>(null);
  useEffect(() => {
    void load();
    void loadChange();
  }, [load, loadChange]);
  // A host without the pending-change call still gets a working page (nothing shown as pending).
  const changeKnown = stackChange.data !== undefined || stackChange.error !== undefined;
  const change = stackChange.data;
  // (Re)start the draft from what the host has whenever it changes (after an apply, for example).
  useEffect(() => {
    if (!stack.data || !changeKnown) return;
    const base = draftBase(stack.data.settings, change);
    if (!store) setStore(createDraftStore(base));
    else if (!sameSettings(store.getState().initial, base)) store.getState().reset(base);
  }, [stack.data, change, changeKnown, store]);

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
  return <StackEditors store={store} applied={stack.data.settings} change={change} />;
}

export function SettingsPage() {
  return (
    <Page>
      <PageHeader
        title="Settings"
        description="How the app behaves, and what the gateway container gets."
      />
      <BehaviourCard />
      <ModelSection />
      <SandboxSection />
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
