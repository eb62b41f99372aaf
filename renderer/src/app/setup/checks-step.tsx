/**
 * First-run checks in plain words: can this computer run the gateway? The checks that decide that
 * (Docker, Compose, the port, disk) come first; the rest are about a gateway that does not exist yet.
 */
import { useEffect } from 'react';
import { nextStepFor } from '../../host/host-error.js';
import { Button, Callout, ErrorState } from '../../ui/index.js';
import { ChecksList, ChecksSkeleton } from '../diagnostics/checks-list.js';
import { useAppStore } from '../store/app-store-context.js';
import { StartEngineButton } from './start-engine-button.js';

/** Checks that matter before anything is set up; a failure here blocks the setup. */
export const SETUP_CHECK_IDS = ['engine', 'compose', 'port', 'disk-space'];

export function ChecksStep({ onContinue }: { onContinue: () => void }) {
  const diagnostics = useAppStore((s) => s.diagnostics);
  const run = useAppStore((s) => s.runDiagnostics);
  useEffect(() => {
    void run();
  }, [run]);
  const results = diagnostics.data ?? [];
  const relevant = results.filter((r) => SETUP_CHECK_IDS.includes(r.id));
  const shown = relevant.length > 0 ? relevant : results;
  const blocking = shown.filter((r) => r.status === 'fail');
  const ready = diagnostics.data !== undefined && !diagnostics.loading;
  return (
    <div className="setup-step">
      <div className="setup-step__intro">
        <h2 className="setup-step__title">Check this computer</h2>
        <p className="setup-step__lead">
          The gateway runs in Docker. These checks make sure Docker is installed and running, and
          the port is free.
        </p>
      </div>
      {diagnostics.error ? (
        <ErrorState
          message={diagnostics.error.message}
          nextStep={nextStepFor(diagnostics.error) ?? 'Retry in a moment.'}
          onRetry={() => void run()}
          retrying={diagnostics.loading}
        />
      ) : !diagnostics.data ? (
        <ChecksSkeleton rows={3} />
      ) : (
        <ChecksList results={shown} />
      )}
      {ready && blocking.length > 0 ? (
        <Callout
          actions={
            blocking.some((r) => r.id === 'engine') ? (
              <StartEngineButton onDone={() => void run()} />
            ) : undefined
          }
          tone="danger"
          title={`${blocking.length === 1 ? 'One problem needs' : `${blocking.length} problems need`} fixing first`}
        >
          Follow the fix above, then press Retry. The setup cannot build or start the gateway until
          then.
        </Callout>
      ) : null}
      <div className="setup-step__footer">
        <Button icon="refresh" onClick={() => void run()} loading={diagnostics.loading}>
          Retry checks
        </Button>
        <div className="setup-step__footer-end">
          {ready && blocking.length > 0 ? (
            <Button variant="ghost" onClick={onContinue}>
              Continue anyway
            </Button>
          ) : null}
          <Button
            variant="primary"
            icon="chevron-right"
            iconEnd
            disabled={!ready || blocking.length > 0}
            onClick={onContinue}
          >
            Continue
          </Button>
        </div>
      </div>
    </div>
  );
}
