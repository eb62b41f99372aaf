/** CPU and memory of the gateway container, polled while it runs. */
import { useEffect } from 'react';
import type { StatusPhase } from '../../../../electron/contract/host-api.js';
import { Card, ErrorState, ProgressBar, Skeleton } from '../../ui/index.js';
import { formatBytes } from '../format.js';
import { useAppStore } from '../store/app-store-context.js';

const POLL_MS = 5000;
const LIVE: readonly StatusPhase[] = ['running', 'pairing-pending', 'unhealthy', 'starting'];

export function ResourcesCard({ phase }: { phase: StatusPhase }) {
  const stats = useAppStore((s) => s.stats);
  const refresh = useAppStore((s) => s.refreshStats);
  const live = LIVE.includes(phase);
  // A phase change (starting → running) measures again at once: figures from before it (such as
  // "not running" while it was starting) would otherwise stay up to a whole interval.
  useEffect(() => {
    if (!live) return;
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [live, phase, refresh]);
  if (!live) return null;
  const data = stats.data;
  let body;
  if (stats.error && data === undefined)
    body = (
      <ErrorState
        compact
        title="No figures"
        message={stats.error.message}
        onRetry={() => void refresh()}
        retrying={stats.loading}
      />
    );
  else if (data === undefined)
    body = (
      <div className="dash-resources">
        <Skeleton height={44} />
        <Skeleton height={44} />
      </div>
    );
  else if (data === null && phase !== 'starting')
    // The status says it runs but the last measurement found no container: measuring again.
    body = (
      <div className="dash-resources" aria-label="Measuring">
        <Skeleton height={44} />
        <Skeleton height={44} />
      </div>
    );
  else if (data === null)
    body = (
      <p className="ui-muted ui-text-sm">
        The container is not running, so there is nothing to measure.
      </p>
    );
  else {
    const memoryPercent =
      data.memoryLimitBytes > 0 ? (data.memoryBytes / data.memoryLimitBytes) * 100 : 0;
    body = (
      <div className="dash-resources">
        <div className="dash-meter">
          <div className="dash-meter__head">
            <span className="dash-meter__label">CPU</span>
            <span className="dash-meter__value tabular">{data.cpuPercent.toFixed(1)}%</span>
          </div>
          <ProgressBar label="CPU use" value={Math.min(100, data.cpuPercent)} max={100} />
        </div>
        <div className="dash-meter">
          <div className="dash-meter__head">
            <span className="dash-meter__label">Memory</span>
            <span className="dash-meter__value tabular">
              {formatBytes(data.memoryBytes)}
              {data.memoryLimitBytes > 0 ? (
                <span className="ui-muted"> of {formatBytes(data.memoryLimitBytes)}</span>
              ) : null}
            </span>
          </div>
          <ProgressBar
            label="Memory use"
            value={Math.min(100, memoryPercent)}
            max={100}
            tone={memoryPercent > 90 ? 'danger' : 'accent'}
          />
        </div>
      </div>
    );
  }
  return (
    <Card
      title="Resources"
      description={`The gateway container, refreshed every ${POLL_MS / 1000} seconds.`}
    >
      {body}
    </Card>
  );
}
