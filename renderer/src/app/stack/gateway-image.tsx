/**
 * The gateway image as the user meets it: which Node base the build uses (review step and
 * Settings), making local base images where no registry is reachable, and which gateway images
 * are kept on disk (current + previous for rollback) with the space they take.
 */
import { useCallback, useEffect, useState } from 'react';
import type { GatewayImagesView, NodeBaseView } from '../../../../electron/contract/host-api.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import { Badge, Button, Callout, Card, ErrorState, Skeleton } from '../../ui/index.js';
import { formatBytes, formatRelative } from '../format.js';

type Load<T> = { data?: T; error?: HostError; loading: boolean };

function useHostValue<T>(fetch: () => Promise<T>): Load<T> & { reload: () => void } {
  const [state, setState] = useState<Load<T>>({ loading: true });
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    fetch().then(
      (data) => setState({ data, loading: false }),
      (err: unknown) => setState((s) => ({ ...s, error: toHostError(err), loading: false })),
    );
  }, [fetch]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

const SOURCE_LABEL: Record<NodeBaseView['source'], string> = {
  explicit: 'set by you',
  stock: 'official',
  local: 'made locally',
  none: 'missing',
};

/** Runs `images.makeBase`, showing the script's progress lines while it works. */
function MakeLocalBase({ onDone }: { onDone: (view: NodeBaseView) => void }) {
  const api = useHostApi();
  const [running, setRunning] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<HostError>();
  useEffect(
    () =>
      api.on('operation.progress', (p) => {
        if (p.kind === 'make-base' && p.log) setLines((l) => [...l.slice(-7), p.log!]);
      }),
    [api],
  );
  const run = () => {
    setRunning(true);
    setError(undefined);
    setLines([]);
    api.call('images.makeBase', {}).then(
      (view) => (setRunning(false), onDone(view)),
      (err: unknown) => (setRunning(false), setError(toHostError(err))),
    );
  };
  return (
    <div className="gateway-image__make">
      <Button size="sm" variant="primary" icon="play" disabled={running} onClick={run}>
        {running ? 'Making local base images…' : 'Make local base images'}
      </Button>
      {lines.length > 0 ? (
        <pre className="gateway-image__log ui-mono" aria-live="polite">
          {lines.join('\n')}
        </pre>
      ) : null}
      {error ? <ErrorState compact message={error.message} nextStep={nextStepFor(error)} /> : null}
    </div>
  );
}

/** The base image line: what the next build starts FROM, and what to do when there is none. */
export function BaseImageSummary({ level = 3 }: { level?: 2 | 3 }) {
  const api = useHostApi();
  const fetch = useCallback(() => api.call('images.base', {}), [api]);
  const base = useHostValue(fetch);
  const [override, setOverride] = useState<NodeBaseView>();
  const view = override ?? base.data;
  return (
    <Card
      level={level}
      title="Base image"
      description="The Node 22 image the gateway image is built on."
    >
      {!view && base.error ? (
        <ErrorState
          compact
          message={base.error.message}
          nextStep={nextStepFor(base.error)}
          onRetry={base.reload}
          retrying={base.loading}
        />
      ) : !view ? (
        <Skeleton lines={1} />
      ) : (
        <div className="gateway-image__base">
          <p>
            <Badge tone={view.present ? 'success' : 'warning'}>{SOURCE_LABEL[view.source]}</Badge>{' '}
            <span className="ui-mono">{view.image}</span>
          </p>
          <p className="ui-muted">{view.summary}</p>
          {view.nextStep ? (
            <Callout tone="warning" title="No base image on this Docker engine">
              <p>{view.nextStep}</p>
              {view.makeLocal.possible ? (
                <MakeLocalBase onDone={setOverride} />
              ) : (
                <p className="ui-muted">{view.makeLocal.detail}</p>
              )}
            </Callout>
          ) : null}
        </div>
      )}
    </Card>
  );
}

const ROLE_LABEL: Record<GatewayImagesView['images'][number]['role'], string> = {
  current: 'in use',
  previous: 'previous (rollback)',
  old: 'older build',
};

/** Settings: kept gateway images and the disk they use, with a way to drop older builds. */
export function GatewayImagesCard() {
  const api = useHostApi();
  const fetch = useCallback(() => api.call('images.usage', {}), [api]);
  const usage = useHostValue(fetch);
  const [pruning, setPruning] = useState(false);
  const [note, setNote] = useState<string>();
  const prune = () => {
    setPruning(true);
    api.call('images.prune', {}).then(
      (r) => {
        setPruning(false);
        setNote(
          r.removed === 0
            ? 'Nothing to remove.'
            : `Removed ${r.removed} older image${r.removed === 1 ? '' : 's'}, freed ${formatBytes(r.freedBytes)}.` +
                (r.skipped ? ` ${r.skipped} still used by a container stayed.` : ''),
        );
        usage.reload();
      },
      (err: unknown) => (setPruning(false), setNote(toHostError(err).message)),
    );
  };
  const data = usage.data;
  const hasOld = data?.images.some((i) => i.role === 'old') ?? false;
  return (
    <Card
      title="Gateway images"
      description="The current image and the previous one (for rollback) are kept; older builds are removed after each rebuild."
      actions={
        hasOld ? (
          <Button size="sm" disabled={pruning} onClick={prune}>
            Remove older images
          </Button>
        ) : undefined
      }
    >
      {!data && usage.error ? (
        <ErrorState
          compact
          message={usage.error.message}
          nextStep={nextStepFor(usage.error)}
          onRetry={usage.reload}
          retrying={usage.loading}
        />
      ) : !data ? (
        <Skeleton lines={2} />
      ) : data.images.length === 0 ? (
        <p className="ui-muted">No gateway image is built yet.</p>
      ) : (
        <>
          <p>
            <strong>{formatBytes(data.totalBytes)}</strong> on disk for {data.images.length} image
            {data.images.length === 1 ? '' : 's'} (layers they share, like the Node base, counted
            once).
          </p>
          <ul className="gateway-image__list">
            {data.images.map((i) => (
              <li key={i.id}>
                <Badge tone={i.role === 'current' ? 'success' : 'neutral'}>
                  {ROLE_LABEL[i.role]}
                </Badge>{' '}
                <span className="ui-mono">
                  {i.tags[0] ?? i.id.replace(/^sha256:/, '').slice(0, 12)}
                </span>{' '}
                <span className="ui-muted">
                  {formatBytes(i.sizeBytes)}
                  {i.uniqueBytes >= 0 ? ` (${formatBytes(i.uniqueBytes)} of its own)` : ''} · built{' '}
                  {formatRelative(i.created)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {note ? <p className="ui-muted">{note}</p> : null}
    </Card>
  );
}
