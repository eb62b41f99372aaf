/**
 * Applying stack changes: first what the host says they imply (nothing / recreate / rebuild, with
 * its reasons), then — only after the user agrees — the apply with live progress. The dialog
 * cannot be dismissed while the apply runs, and navigation is blocked meanwhile.
 */
import { useEffect, useState } from 'react';
import type { StackSettings } from '../../../../electron/contract/host-api.js';
import { nextStepFor, nextStepForCode } from '../../host/host-error.js';
import { setNavigationBlocker } from '../../shell/router.js';
import { Button, Callout, Dialog, ErrorState, Icon, Skeleton } from '../../ui/index.js';
import { OperationProgress } from '../operation/operation-progress.js';
import { useAppStore, useAppStoreApi } from '../store/app-store-context.js';

export type ApplyResult =
  { kind: 'cancelled' } | { kind: 'applied' } | { kind: 'failed'; message: string; code?: string };

const BUSY_REASON =
  'Changes are being applied. Wait until it finishes, or cancel it in the dialog.';

export function ApplyDialog({
  next,
  onClose,
}: {
  next: StackSettings | null;
  onClose: (result: ApplyResult) => void;
}) {
  const plan = useAppStore((s) => s.plan);
  const planStack = useAppStore((s) => s.planStack);
  const clearPlan = useAppStore((s) => s.clearPlan);
  const applyStack = useAppStore((s) => s.applyStack);
  const operation = useAppStore((s) => s.operation);
  const cancel = useAppStore((s) => s.cancelOperation);
  const store = useAppStoreApi();
  const [phase, setPhase] = useState<'plan' | 'applying' | 'applied' | 'failed'>('plan');

  useEffect(() => {
    if (!next) return;
    setPhase('plan');
    void planStack(next);
    return () => clearPlan();
  }, [next, planStack, clearPlan]);

  const applying = phase === 'applying';
  useEffect(() => {
    setNavigationBlocker(applying ? BUSY_REASON : null);
    return () => setNavigationBlocker(null);
  }, [applying]);

  const apply = () => {
    if (!next) return;
    setPhase('applying');
    void applyStack(next).then((ok) => setPhase(ok ? 'applied' : 'failed'));
  };
  const close = () => {
    if (applying) return;
    const failedOp = store.getState().operation;
    const error = failedOp?.error;
    onClose(
      phase === 'applied'
        ? { kind: 'applied' }
        : phase === 'failed' && error
          ? { kind: 'failed', message: error, code: failedOp?.errorCode }
          : { kind: 'cancelled' },
    );
  };

  const p = plan.data;
  const title =
    phase === 'applied'
      ? 'Changes applied'
      : phase === 'failed'
        ? 'The changes were not applied'
        : applying
          ? 'Applying changes…'
          : 'Review changes';

  let body;
  let footer;
  if (phase === 'plan') {
    if (plan.error) {
      body = (
        <ErrorState
          compact
          title="The app refused these settings"
          message={plan.error.message}
          nextStep={nextStepFor(plan.error) ?? 'Correct the value named in the message.'}
        />
      );
      footer = <Button onClick={close}>Back to editing</Button>;
    } else if (!p) {
      body = <Skeleton lines={3} />;
      footer = <Button onClick={close}>Cancel</Button>;
    } else if (p.action === 'none') {
      body = (
        <Callout tone="info" title="Nothing to apply">
          These changes do not affect the running gateway.
        </Callout>
      );
      footer = <Button onClick={close}>Close</Button>;
    } else {
      body = (
        <div className="plan">
          <div className={`plan__action plan__action--${p.action}`}>
            <Icon name={p.action === 'rebuild' ? 'rebuild' : 'restart'} size={20} />
            <div>
              <p className="plan__title">
                {p.action === 'rebuild'
                  ? 'This will rebuild the image'
                  : 'This will recreate the container'}
              </p>
              <p className="plan__sub">
                {p.action === 'rebuild'
                  ? 'A new image is built (a few minutes), then the gateway restarts on it.'
                  : 'The gateway restarts with the new settings (a few seconds).'}{' '}
                Connected clients reconnect by themselves.
              </p>
            </div>
          </div>
          {p.reasons.length ? (
            <>
              <p className="plan__why">Why:</p>
              <ul className="plan__reasons">
                {p.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      );
      footer = (
        <>
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button
            variant="primary"
            icon={p.action === 'rebuild' ? 'rebuild' : 'restart'}
            onClick={apply}
          >
            {p.action === 'rebuild' ? 'Rebuild and restart' : 'Recreate and restart'}
          </Button>
        </>
      );
    }
  } else {
    body = (
      <div className="plan">
        {phase === 'failed' && operation?.error ? (
          <ErrorState
            compact
            title="The apply stopped"
            message={operation.error}
            nextStep={
              nextStepForCode(operation.errorCode) ??
              'Check the log, correct the setting, and try again.'
            }
            onRetry={apply}
          />
        ) : null}
        {operation ? (
          <OperationProgress operation={operation} onCancel={() => void cancel()} />
        ) : null}
      </div>
    );
    footer = applying ? null : (
      <Button variant={phase === 'applied' ? 'primary' : 'secondary'} onClick={close}>
        {phase === 'applied' ? 'Done' : 'Close'}
      </Button>
    );
  }

  return (
    <Dialog
      open={next !== null}
      onClose={close}
      title={title}
      size="lg"
      dismissable={!applying}
      footer={footer}
    >
      {body}
    </Dialog>
  );
}
