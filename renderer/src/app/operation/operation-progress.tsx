/**
 * Live view of a long operation: the phase list, the build steps by readable name with how long
 * each took, the overall time, a log pane with the raw output that follows new lines (unless the
 * user scrolled up to read) and Cancel.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useNow } from '../../control/components/use-now.js';
import { Button, Icon, ProgressBar, Spinner } from '../../ui/index.js';
import { formatDuration } from '../format.js';
import type { BuildStepView, OperationView } from '../store/operation-slice.js';
import { isBuildPhase, phaseRows } from './phases.js';

export interface OperationProgressProps {
  operation: OperationView;
  onCancel?: () => void;
  /** Start with the log open (setup shows it; the dashboard keeps it compact). */
  showLog?: boolean;
}

export function OperationProgress({ operation, onCancel, showLog = true }: OperationProgressProps) {
  const rows = useMemo(
    () =>
      phaseRows(operation.kind, operation.phases, { done: operation.done, error: operation.error }),
    [operation.kind, operation.phases, operation.done, operation.error],
  );
  const running = !operation.done;
  const now = useNow(1000);
  const elapsed = (operation.endedAt ?? now) - operation.startedAt;
  return (
    <div className="op">
      <div className="op__top">
        <div className="op__status" aria-live="polite">
          {running ? (
            <Spinner size="sm" label="Working" />
          ) : operation.error ? (
            <Icon name="error" className="op__icon--failed" />
          ) : (
            <Icon name="success" className="op__icon--done" />
          )}
          <span className="op__message">
            {operation.error
              ? 'Stopped with an error'
              : running
                ? (operation.message ?? 'Starting…')
                : (operation.message ?? 'Finished')}
          </span>
          <span className="op__elapsed" title="Time since the operation started">
            {formatDuration(elapsed)}
          </span>
        </div>
        {running && onCancel ? (
          <Button
            size="sm"
            variant="secondary"
            icon="stop"
            onClick={onCancel}
            loading={operation.cancelRequested}
          >
            {operation.cancelRequested ? 'Cancelling…' : 'Cancel'}
          </Button>
        ) : null}
      </div>
      {rows.length > 0 ? (
        <ol className="op__phases" aria-label="Progress">
          {rows.map((r) => (
            <li
              key={r.phase}
              className={`op__phase op__phase--${r.state}`}
              aria-current={r.state === 'active' ? 'step' : undefined}
            >
              <span className="op__phase-mark" aria-hidden="true">
                {r.state === 'done' ? (
                  <Icon name="check" size={12} />
                ) : r.state === 'failed' ? (
                  <Icon name="close" size={12} />
                ) : r.state === 'active' ? (
                  <span className="ui-spinner ui-spinner--sm" />
                ) : null}
              </span>
              <span className="op__phase-text">
                <span className="op__phase-label">{r.label}</span>
                <span className="sr-only">{` — ${r.state}`}</span>
                {r.state === 'active' && isBuildPhase(r.phase) && operation.step ? (
                  <span className="op__step">
                    Step {operation.step.index} of {operation.step.total}
                    <ProgressBar
                      value={operation.step.index}
                      max={operation.step.total}
                      label="Image build"
                    />
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
      {operation.buildSteps.length > 0 ? (
        <BuildSteps steps={operation.buildSteps} now={now} open={showLog} />
      ) : null}
      {showLog ? <LogPane lines={operation.log} /> : null}
    </div>
  );
}

/** Cached steps take milliseconds; "0s" reads like nothing happened. */
function stepTime(ms: number): string {
  return ms < 1000 ? '<1s' : formatDuration(ms);
}

function BuildSteps({
  steps,
  now,
  open,
}: {
  steps: readonly BuildStepView[];
  now: number;
  open: boolean;
}) {
  const total = steps.at(-1)?.total ?? steps.length;
  return (
    <details className="op__build" open={open}>
      <summary>
        Image build steps ({steps.length} of {total})
      </summary>
      <ol className="op__build-steps" aria-label="Image build steps">
        {steps.map((s) => {
          const running = s.endedAt === undefined;
          return (
            <li
              key={s.index}
              className={`op__build-step${running ? ' op__build-step--running' : ''}`}
              title={s.instruction}
            >
              <span className="op__build-index">{s.index}</span>
              <span className="op__build-label">{s.label}</span>
              <span className="op__build-time">
                {running ? <span className="ui-spinner ui-spinner--sm" aria-hidden="true" /> : null}
                {stepTime((s.endedAt ?? now) - s.startedAt)}
              </span>
            </li>
          );
        })}
      </ol>
    </details>
  );
}

function LogPane({ lines }: { lines: readonly string[] }) {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <details className="op__log" open>
      <summary>Raw log{lines.length ? ` (${lines.length} lines)` : ''}</summary>
      <pre
        ref={ref}
        className="op__log-pane"
        tabIndex={0}
        aria-label="Operation log"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.length ? lines.join('\n') : 'Waiting for output…'}
      </pre>
    </details>
  );
}
