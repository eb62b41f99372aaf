/** Diagnostics: the host's checks with their fixes, and the support bundle. */
import { useEffect } from 'react';
import { nextStepFor } from '../../host/host-error.js';
import {
  Badge,
  Button,
  Card,
  CodeBlock,
  EmptyState,
  ErrorState,
  Page,
  PageHeader,
} from '../../ui/index.js';
import { ChecksList, ChecksSkeleton } from '../diagnostics/checks-list.js';
import { useAppStore } from '../store/app-store-context.js';
import { summarise } from '../store/diagnostics-slice.js';

function SupportBundleCard() {
  const bundle = useAppStore((s) => s.supportBundle);
  const create = useAppStore((s) => s.createSupportBundle);
  return (
    <Card
      title="Support bundle"
      description="A zip with versions, these checks, the stack files and recent logs. Tokens and keys are removed before anything is written."
      actions={
        <Button icon="download" onClick={() => void create()} loading={bundle.loading}>
          {bundle.data ? 'Create another' : 'Create bundle'}
        </Button>
      }
    >
      {bundle.error ? (
        <ErrorState
          compact
          title="The bundle was not created"
          message={bundle.error.message}
          nextStep={nextStepFor(bundle.error)}
          onRetry={() => void create()}
          retrying={bundle.loading}
        />
      ) : bundle.data ? (
        <div className="bundle">
          <p className="bundle__label">
            Saved with {bundle.data.entries.length} files. Attach this file to your report:
          </p>
          <CodeBlock code={bundle.data.file} label="File path" />
          <details className="bundle__entries">
            <summary>What is inside</summary>
            <ul>
              {bundle.data.entries.map((e) => (
                <li key={e} className="ui-mono">
                  {e}
                </li>
              ))}
            </ul>
          </details>
        </div>
      ) : (
        <p className="ui-muted ui-text-sm">
          Nothing is sent anywhere: the file stays on this computer until you share it.
        </p>
      )}
    </Card>
  );
}

export function DiagnosticsPage() {
  const diagnostics = useAppStore((s) => s.diagnostics);
  const run = useAppStore((s) => s.runDiagnostics);
  useEffect(() => {
    void run();
  }, [run]);
  const results = diagnostics.data;
  const counts = results ? summarise(results) : undefined;
  return (
    <Page>
      <PageHeader
        title="Diagnostics"
        description="Checks of Docker, the stack files, the port and the gateway, each with a fix."
        actions={
          <Button
            variant="primary"
            icon="refresh"
            onClick={() => void run()}
            loading={diagnostics.loading}
          >
            Run checks again
          </Button>
        }
      />
      {diagnostics.error ? (
        <ErrorState
          title="The checks did not run"
          message={diagnostics.error.message}
          nextStep={nextStepFor(diagnostics.error) ?? 'Retry; if it fails again, restart the app.'}
          onRetry={() => void run()}
          retrying={diagnostics.loading}
        />
      ) : null}
      <Card
        title="Checks"
        description={
          counts ? (
            <span className="badge-row">
              <Badge tone="success">{counts.ok} OK</Badge>
              {counts.warn ? (
                <Badge tone="warning">
                  {counts.warn} warning{counts.warn === 1 ? '' : 's'}
                </Badge>
              ) : null}
              {counts.fail ? (
                <Badge tone="danger">
                  {counts.fail} problem{counts.fail === 1 ? '' : 's'}
                </Badge>
              ) : null}
              {counts.skip ? <Badge>{counts.skip} skipped</Badge> : null}
            </span>
          ) : undefined
        }
      >
        {!results ? (
          diagnostics.loading ? (
            <ChecksSkeleton />
          ) : (
            <EmptyState
              compact
              icon="diagnostics"
              title="No results"
              description="Run the checks to see how things stand."
            />
          )
        ) : results.length === 0 ? (
          <EmptyState compact icon="diagnostics" title="No checks to run" />
        ) : (
          <ChecksList results={results} />
        )}
      </Card>
      <SupportBundleCard />
    </Page>
  );
}
