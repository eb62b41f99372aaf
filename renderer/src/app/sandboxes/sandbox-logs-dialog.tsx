/** The last lines one sandbox container wrote, in a dialog (read once; Refresh reads again). */
import { useCallback, useEffect, useState } from 'react';
import type { SandboxLogLine } from '../../../../electron/contract/sandbox-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import { Button, Dialog, EmptyState, ErrorState, Skeleton } from '../../ui/index.js';

const TAIL = 300;

export function SandboxLogsDialog({ name, onClose }: { name?: string; onClose: () => void }) {
  const api = useHostApi();
  const [lines, setLines] = useState<SandboxLogLine[]>();
  const [error, setError] = useState<HostError>();
  const [loading, setLoading] = useState(false);
  const load = useCallback(() => {
    if (!name) return;
    setLoading(true);
    setError(undefined);
    api.call('sandboxes.logs', { name, tail: TAIL }).then(
      (l) => (setLines(l), setLoading(false)),
      (err: unknown) => (setError(toHostError(err)), setLoading(false)),
    );
  }, [api, name]);
  useEffect(() => {
    setLines(undefined);
    load();
  }, [load]);
  return (
    <Dialog
      open={name !== undefined}
      onClose={onClose}
      size="lg"
      title="Sandbox logs"
      description={name ? `Up to the last ${TAIL} lines ${name} wrote.` : undefined}
      footer={
        <>
          <Button icon="refresh" onClick={load} loading={loading}>
            Refresh
          </Button>
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      {error ? (
        <ErrorState compact message={error.message} nextStep={nextStepFor(error)} />
      ) : !lines ? (
        <Skeleton lines={4} />
      ) : lines.length === 0 ? (
        <EmptyState compact icon="logs" title="Nothing written yet" />
      ) : (
        <pre className="sandboxes__log ui-mono" aria-label="Log lines">
          {lines.map((l, i) => (
            <span key={i} className={l.stream === 'stderr' ? 'sandboxes__log-err' : undefined}>
              {l.timestamp ? `${l.timestamp.slice(11, 19)}  ` : ''}
              {l.text}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
    </Dialog>
  );
}
