/**
 * First run: checks → folders → extra folders → packages → home volume → network → review → run →
 * model → sandbox → chat apps → done. The draft lives in its own store; "Next" shows a section's problems instead of moving on.
 * While the setup runs, navigation is blocked (the build must not be abandoned by a stray click).
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { StackSettings } from '../../../../electron/contract/host-api.js';
import { useHost } from '../../host/host-context.js';
import { nextStepFor } from '../../host/host-error.js';
import { setNavigationBlocker } from '../../shell/router.js';
import { Button, Callout, Card, ErrorState, Page, PageHeader, Skeleton } from '../../ui/index.js';
import { ChannelsStep } from '../setup/channels-step.js';
import { ChecksStep } from '../setup/checks-step.js';
import { DoneStep } from '../setup/done-step.js';
import { ModelStep } from '../setup/model-step.js';
import { RunStep } from '../setup/run-step.js';
import { SandboxStep } from '../setup/sandbox-step.js';
import { Stepper } from '../setup/stepper.js';
import { FoldersEditor } from '../stack/folders-editor.js';
import { HomeVolumeEditor } from '../stack/home-volume-editor.js';
import { MountsEditor } from '../stack/mounts-editor.js';
import { PackagesEditor } from '../stack/packages-editor.js';
import { PortEditor } from '../stack/port-editor.js';
import { BaseImageSummary } from '../stack/gateway-image.js';
import { ReviewSummary } from '../stack/review-summary.js';
import { useDraftProblems } from '../stack/use-draft.js';
import {
  createDraftStore,
  draftProblems,
  draftToSettings,
  sectionHasProblems,
  type DraftSection,
  type DraftStore,
} from '../stack/stack-draft.js';
import { useAppStore, useAppStoreApi } from '../store/app-store-context.js';

const STEPS = [
  { id: 'checks', label: 'Checks' },
  { id: 'folders', label: 'Folders' },
  { id: 'mounts', label: 'Extra folders' },
  { id: 'packages', label: 'Packages' },
  { id: 'home', label: 'Home volume' },
  { id: 'port', label: 'Network' },
  { id: 'review', label: 'Review' },
  { id: 'run', label: 'Install' },
  { id: 'model', label: 'Model' },
  { id: 'sandbox', label: 'Sandbox' },
  { id: 'channels', label: 'Chat apps' },
] as const;

type StepId = (typeof STEPS)[number]['id'] | 'done';

const SECTION_COPY: Record<DraftSection, { title: string; lead: string }> = {
  folders: {
    title: 'Where OpenClaw keeps its files',
    lead: 'Two folders on this computer: the gateway’s config and the workspace the agent works in.',
  },
  mounts: {
    title: 'Share more folders (optional)',
    lead: 'Give the gateway access to other folders, such as your projects. Each one appears inside the container at the path you choose.',
  },
  packages: {
    title: 'Extra tools (optional)',
    lead: 'Debian packages to install in the gateway’s image, such as jq or ffmpeg.',
  },
  home: {
    title: 'Keep the home folder (optional)',
    lead: 'Choose whether the container’s home folder survives rebuilds.',
  },
  port: {
    title: 'Network',
    lead: 'The port the gateway listens on, and whether other devices on your network may reach it.',
  },
};

const BUSY_REASON = 'The setup is running. Cancel it first, or wait until it finishes.';

function indexOf(step: StepId): number {
  return step === 'done' ? STEPS.length : STEPS.findIndex((s) => s.id === step);
}

function SectionStep({
  section,
  store,
  buildError,
  onBack,
  onNext,
}: {
  section: DraftSection;
  store: DraftStore;
  /** What the last build said about the packages (an unknown name). */
  buildError?: string;
  onBack: () => void;
  onNext: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const checkStack = useAppStore((s) => s.checkStack);
  const [checking, setChecking] = useState(false);
  const warnings = useDraftProblems(store).warnings.filter((w) => w.section === section);
  const stop = () => {
    store.getState().setShowAll(true);
    // Let the errors render, then put the cursor on the first one.
    requestAnimationFrame(() =>
      ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    );
  };
  const next = async () => {
    const local = draftProblems(store.getState().draft);
    if (sectionHasProblems(local, section)) return stop();
    // The host applies Install's own rules (system folders, the home folder, ports in use), so
    // a step that passes here is not refused at Install. Without a complete draft (another step
    // still has a local problem) the Review step catches it.
    if (!sectionHasProblems(local)) {
      setChecking(true);
      const problems = await checkStack(draftToSettings(store.getState().draft));
      setChecking(false);
      if (problems) store.getState().setHostProblems(problems);
      const { draft, hostProblems } = store.getState();
      if (sectionHasProblems(draftProblems(draft, hostProblems), section)) return stop();
    }
    onNext();
  };
  const editors: Record<DraftSection, ReactNode> = {
    folders: <FoldersEditor store={store} />,
    mounts: <MountsEditor store={store} />,
    packages: <PackagesEditor store={store} hostError={buildError} />,
    home: <HomeVolumeEditor store={store} />,
    port: <PortEditor store={store} />,
  };
  return (
    <div className="setup-step" ref={ref}>
      <div className="setup-step__intro">
        <h2 className="setup-step__title">{SECTION_COPY[section].title}</h2>
        <p className="setup-step__lead">{SECTION_COPY[section].lead}</p>
      </div>
      {editors[section]}
      {warnings.length > 0 ? (
        <Callout tone="warning" title="Worth a look (you can go on)">
          <ul className="stack-warnings">
            {warnings.map((w) => (
              <li key={`${w.field}.${w.index ?? ''}.${w.part ?? ''}`}>{w.message}</li>
            ))}
          </ul>
        </Callout>
      ) : null}
      <div className="setup-step__footer">
        <Button icon="chevron-left" onClick={onBack}>
          Back
        </Button>
        <Button
          variant="primary"
          icon="chevron-right"
          iconEnd
          loading={checking}
          onClick={() => void next()}
        >
          Next
        </Button>
      </div>
    </div>
  );
}

function Wizard({ initial, alreadySetUp }: { initial: StackSettings; alreadySetUp: boolean }) {
  const [store] = useState(() => createDraftStore(initial));
  const storeApi = useAppStoreApi();
  // A setup already running (the page was reloaded mid-build): show its progress, not step one.
  const [resumed] = useState(() => storeApi.getState().status.data?.operation?.kind === 'setup');
  const [step, setStep] = useState<StepId>(resumed ? 'run' : 'checks');
  const [submitted, setSubmitted] = useState<StackSettings | null>(null);
  // The step an Install refusal is about (from the host's structured check, not the message).
  const [failedSection, setFailedSection] = useState<DraftSection | undefined>(undefined);
  /** A build that found an apt package unknown: shown on the Packages step. */
  const [buildError, setBuildError] = useState<string | undefined>(undefined);
  const checkStack = useAppStore((s) => s.checkStack);
  const operation = useAppStore((s) => s.operation);
  const runSetup = useAppStore((s) => s.runSetup);
  const cancel = useAppStore((s) => s.cancelOperation);
  const statusOperation = useAppStore((s) => s.status.data?.operation?.kind);
  const phase = useAppStore((s) => s.status.data?.phase);
  const running =
    step === 'run' &&
    (operation ? operation.kind === 'setup' && !operation.done : statusOperation === 'setup');

  useEffect(() => {
    // Resumed runs have no call of ours to wait for: the status says when it is over.
    if (!resumed || submitted || step !== 'run' || statusOperation === 'setup') return;
    if (phase === 'running' || phase === 'pairing-pending') setStep('model');
  }, [resumed, submitted, step, statusOperation, phase]);

  useEffect(() => {
    setNavigationBlocker(running ? BUSY_REASON : null);
  }, [running]);
  useEffect(() => () => setNavigationBlocker(null), []);

  const start = (settings: StackSettings) => {
    setSubmitted(settings);
    setFailedSection(undefined);
    setBuildError(undefined);
    setStep('run');
    void runSetup(settings).then(async (ok) => {
      if (ok) {
        setStep('model');
        return;
      }
      const code = storeApi.getState().operation?.errorCode;
      if (code === 'APT_PACKAGE_NOT_FOUND') {
        // Not a rule the check knows: the build found the name unknown. Say so on Packages.
        const failed = storeApi.getState().operation;
        if (failed?.error) setBuildError(failed.error);
        return;
      }
      if (code !== 'STACK_INPUT_INVALID' && code !== 'GATEWAY_PORT_IN_USE') return;
      // Which step and field: ask the host for the same check, per field.
      const problems = await checkStack(settings);
      if (!problems) return;
      store.getState().setHostProblems(problems);
      store.getState().setShowAll(true);
      setFailedSection(problems.find((p) => p.severity === 'error')?.section);
    });
  };

  const go = (to: StepId) => setStep(to);
  const sections: DraftSection[] = ['folders', 'mounts', 'packages', 'home', 'port'];
  const current = indexOf(step);

  let body: ReactNode;
  if (step === 'checks') body = <ChecksStep onContinue={() => go('folders')} />;
  else if ((sections as string[]).includes(step)) {
    const section = step as DraftSection;
    const i = sections.indexOf(section);
    body = (
      <SectionStep
        key={section}
        section={section}
        store={store}
        buildError={section === 'packages' ? buildError : undefined}
        onBack={() => go(i === 0 ? 'checks' : (sections[i - 1] as StepId))}
        onNext={() => go(i === sections.length - 1 ? 'review' : (sections[i + 1] as StepId))}
      />
    );
  } else if (step === 'review') {
    const { draft, hostProblems } = store.getState();
    const problems = draftProblems(draft, hostProblems);
    const firstBad = sections.find((s) => sectionHasProblems(problems, s));
    const settings = firstBad ? null : draftToSettings(draft);
    body = (
      <div className="setup-step">
        <div className="setup-step__intro">
          <h2 className="setup-step__title">Review and install</h2>
          <p className="setup-step__lead">
            The app writes the stack files, builds the image
            {settings?.aptPackages.length ? ` with ${settings.aptPackages.join(', ')}` : ''}, and
            starts the gateway.
          </p>
        </div>
        {alreadySetUp ? (
          <Callout tone="info" title="The gateway is already set up">
            Installing again applies these settings to the existing gateway; your config, workspace
            and paired devices stay.
          </Callout>
        ) : null}
        {firstBad ? (
          <ErrorState
            compact
            title="Something needs fixing first"
            message={`The ${SECTION_COPY[firstBad].title.toLowerCase()} step has a problem.`}
            actions={
              <Button size="sm" onClick={() => (store.getState().setShowAll(true), go(firstBad))}>
                Fix it
              </Button>
            }
          />
        ) : null}
        {settings && problems.warnings.length > 0 ? (
          <Callout tone="warning" title="Worth a look before installing (you can go on)">
            <ul className="stack-warnings">
              {problems.warnings.map((w) => (
                <li key={`${w.field}.${w.index ?? ''}.${w.part ?? ''}`}>{w.message}</li>
              ))}
            </ul>
          </Callout>
        ) : null}
        {settings ? <ReviewSummary settings={settings} onEdit={(s) => go(s)} /> : null}
        {settings ? <BaseImageSummary /> : null}
        <div className="setup-step__footer">
          <Button icon="chevron-left" onClick={() => go('port')}>
            Back
          </Button>
          <Button
            variant="primary"
            icon="play"
            disabled={!settings}
            onClick={() => settings && start(settings)}
          >
            Install and start
          </Button>
        </div>
      </div>
    );
  } else if (step === 'run') {
    body = (
      <RunStep
        title="Installing the gateway"
        operation={operation?.kind === 'setup' ? operation : null}
        section={failedSection}
        onCancel={() => void cancel()}
        onRetry={() => start(submitted ?? draftToSettings(store.getState().draft))}
        onBack={(section) => go(section)}
      />
    );
  } else if (step === 'model') body = <ModelStep onDone={() => go('sandbox')} />;
  else if (step === 'sandbox') body = <SandboxStep onDone={() => go('channels')} />;
  else if (step === 'channels') body = <ChannelsStep onDone={() => go('done')} />;
  else body = <DoneStep />;

  return (
    <>
      <Stepper
        steps={STEPS}
        current={current}
        onSelect={
          running ||
          step === 'done' ||
          step === 'model' ||
          step === 'sandbox' ||
          step === 'channels'
            ? undefined
            : (i) => go(STEPS[i]?.id ?? 'checks')
        }
      />
      <Card className="setup-card">{body}</Card>
    </>
  );
}

export function SetupPage() {
  const stack = useAppStore((s) => s.stack);
  const load = useAppStore((s) => s.loadStack);
  const { kind } = useHost();
  useEffect(() => {
    if (!stack.data) void load();
  }, [load, stack.data]);
  const stackChange = useAppStore((s) => s.stackChange);
  const loadChange = useAppStore((s) => s.loadStackChange);
  useEffect(() => {
    void loadChange();
  }, [loadChange]);
  const [initial, setInitial] = useState<{ settings: StackSettings; setUp: boolean } | null>(null);
  // The wizard starts from the settings in use ("Re-run setup" from Settings), or from a setup
  // that failed (its settings were never applied, but they are what the user chose last time).
  // A host that cannot say (older host, error) gets the settings in use.
  const changeKnown = stackChange.data !== undefined || stackChange.error !== undefined;
  useEffect(() => {
    if (initial || !stack.data || !changeKnown) return;
    const change = stackChange.data;
    setInitial(
      change?.state === 'failed' && change.kind === 'setup'
        ? { settings: change.desired, setUp: stack.data.setUp }
        : stack.data,
    );
  }, [initial, stack.data, stackChange.data, changeKnown]);
  return (
    <Page width="normal">
      <PageHeader
        eyebrow={kind === 'headless' ? 'OpenClaw Desktop · headless' : 'OpenClaw Desktop'}
        title="Set up your gateway"
        description="A few choices, then the app builds and starts everything. You can change all of it later in Settings."
      />
      {initial ? (
        <Wizard initial={initial.settings} alreadySetUp={initial.setUp} />
      ) : stack.error ? (
        <ErrorState
          title="Could not read the current settings"
          message={stack.error.message}
          nextStep={nextStepFor(stack.error) ?? 'Retry; if it keeps failing, restart the app.'}
          onRetry={() => void load()}
          retrying={stack.loading}
        />
      ) : (
        <Card>
          <Skeleton lines={4} />
        </Card>
      )}
    </Page>
  );
}
