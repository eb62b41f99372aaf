/**
 * Dashboard: what the gateway is doing, the buttons that change it (each enabled by the host's own
 * flags), the operation in progress and the Control UI address.
 */
import { useEffect, useState } from 'react';
import type { GatewayStatus } from '../../../../electron/contract/host-api.js';
import { useHost } from '../../host/host-context.js';
import { useReachability } from '../../host/use-stack-hints.js';
import { nextStepFor, nextStepForCode } from '../../host/host-error.js';
import { navigate } from '../../shell/router.js';
import { Link } from '../../shell/link.js';
import {
  Button,
  Callout,
  Card,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  KeyValueList,
  Page,
  PageHeader,
  Skeleton,
  StatusDot,
} from '../../ui/index.js';
import { formatDuration, PHASE_LABEL, PHASE_TONE } from '../format.js';
import { OperationProgress } from '../operation/operation-progress.js';
import { useAppStore } from '../store/app-store-context.js';
import type { GatewayAction } from '../store/status-slice.js';
import { DashboardUrlCard } from './dashboard-url-card.js';
import { ResourcesCard } from './dashboard-resources.js';
import { StartEngineButton } from '../setup/start-engine-button.js';

function Uptime({ status, at }: { status: GatewayStatus; at: number | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (status.uptimeMs === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [status.uptimeMs]);
  if (status.uptimeMs === undefined) return <span className="ui-muted">—</span>;
  return <span className="tabular">{formatDuration(status.uptimeMs + (now - (at ?? now)))}</span>;
}

const ACTIONS: ReadonlyArray<{
  action: GatewayAction;
  label: string;
  icon: string;
  flag: keyof GatewayStatus;
}> = [
  { action: 'start', label: 'Start', icon: 'play', flag: 'canStart' },
  { action: 'stop', label: 'Stop', icon: 'stop', flag: 'canStop' },
  { action: 'restart', label: 'Restart', icon: 'restart', flag: 'canRestart' },
  { action: 'rebuild', label: 'Rebuild', icon: 'rebuild', flag: 'canRebuild' },
];

function Actions({ status }: { status: GatewayStatus | undefined }) {
  const pending = useAppStore((s) => s.pendingAction);
  const run = useAppStore((s) => s.runGatewayAction);
  const [confirmRebuild, setConfirmRebuild] = useState(false);
  return (
    <div className="dash-actions" role="group" aria-label="Gateway actions">
      <ConfirmDialog
        open={confirmRebuild}
        title="Rebuild the gateway image?"
        body="The image is built again from this version of the app (a few minutes), then the gateway restarts on it. Config, workspace, paired devices and the home volume are kept."
        confirmLabel="Rebuild"
        onCancel={() => setConfirmRebuild(false)}
        onConfirm={() => {
          setConfirmRebuild(false);
          void run('rebuild');
        }}
      />
      {ACTIONS.map((a) => (
        <Button
          key={a.action}
          variant={status && status[a.flag] && a.action === 'start' ? 'primary' : 'secondary'}
          icon={a.icon}
          loading={pending === a.action}
          disabled={!status || !status[a.flag] || (pending !== null && pending !== a.action)}
          onClick={() => (a.action === 'rebuild' ? setConfirmRebuild(true) : void run(a.action))}
        >
          {a.label}
        </Button>
      ))}
    </div>
  );
}

/** The app's own operator connection to the gateway (electron/host/supervisor/status-phase.ts). */
const OPERATOR_LABEL: Record<string, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  disconnected: 'Not connected',
  'not-paired': 'Not paired yet',
};

/** The published address (from the container's port binding), not an assumed 127.0.0.1. */
function Reachable({ port }: { port: number }) {
  const r = useReachability();
  if (!r) return <span className="ui-mono">127.0.0.1:{port}</span>;
  if (r.scope === 'this-computer')
    return (
      <span title="Published on this computer only">
        <span className="ui-mono">
          {r.publishAddress}:{r.port}
        </span>{' '}
        <span className="ui-muted">this computer</span>
      </span>
    );
  return (
    <span title={r.lanUrls.join('\n') || undefined}>
      <span className="ui-mono">
        {(r.lanUrls[0] ?? `${r.publishAddress}:${r.port}`).replace(/^http:\/\/|\/$/g, '')}
      </span>
      {r.lanUrls.length > 1 ? ` +${r.lanUrls.length - 1}` : ''}{' '}
      <span className="ui-muted">local network</span>
    </span>
  );
}

function StatusCard({ status, at }: { status: GatewayStatus; at: number | undefined }) {
  const tone = PHASE_TONE[status.phase];
  const busy = status.phase === 'starting' || status.operation !== undefined;
  return (
    <Card>
      <div className="dash-status">
        <div className={`dash-status__badge dash-status__badge--${tone}`}>
          <StatusDot tone={tone} pulse={busy} />
        </div>
        <div className="dash-status__text">
          <p className="dash-status__phase">{PHASE_LABEL[status.phase]}</p>
          <p className="dash-status__summary">{status.summary}</p>
          {status.detail ? <p className="dash-status__detail">{status.detail}</p> : null}
        </div>
      </div>
      <div className="dash-divider" />
      <KeyValueList
        columns={4}
        items={[
          { key: 'uptime', label: 'Uptime', value: <Uptime status={status} at={at} /> },
          {
            key: 'pending',
            label: 'Pending approvals',
            value:
              status.pendingApprovals > 0 ? (
                <Link to="/approvals">{status.pendingApprovals} waiting — review</Link>
              ) : (
                <span>None</span>
              ),
          },
          {
            key: 'port',
            label: 'Reachable at',
            value: <Reachable port={status.port} />,
          },
          {
            key: 'operator',
            label: 'App connection',
            value: (
              <StatusDot
                tone={status.operator === 'connected' ? 'success' : 'neutral'}
                label={OPERATOR_LABEL[status.operator] ?? status.operator}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}

export function DashboardPage() {
  const status = useAppStore((s) => s.status);
  const at = useAppStore((s) => s.statusAt);
  const operation = useAppStore((s) => s.operation);
  const actionError = useAppStore((s) => s.actionError);
  const refresh = useAppStore((s) => s.refreshStatus);
  const cancel = useAppStore((s) => s.cancelOperation);
  const clearOperation = useAppStore((s) => s.clearOperation);
  const run = useAppStore((s) => s.runGatewayAction);
  const { kind } = useHost();
  const data = status.data;

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const showOperation =
    operation && (!operation.done || operation.error) && operation.kind !== 'setup';
  return (
    <Page>
      <PageHeader
        title="Dashboard"
        description="Your OpenClaw gateway at a glance."
        actions={<Actions status={data} />}
      />
      {actionError ? (
        <ErrorState
          compact
          title={`Could not ${actionError.action} the gateway`}
          message={actionError.error.message}
          nextStep={nextStepFor(actionError.error) ?? 'Open Logs or Diagnostics to see why.'}
          onRetry={() => void run(actionError.action)}
        />
      ) : null}
      {status.error && !data ? (
        <ErrorState
          title="The app did not answer"
          message={status.error.message}
          nextStep={
            nextStepFor(status.error) ?? 'Retry in a moment; if it persists, restart the app.'
          }
          onRetry={() => void refresh()}
          retrying={status.loading}
        />
      ) : !data ? (
        <Card>
          <div className="dash-status">
            <Skeleton width={40} height={40} radius={12} />
            <div className="dash-status__text">
              <Skeleton width={140} height={20} />
              <Skeleton width="50%" />
            </div>
          </div>
          <div className="dash-divider" />
          <Skeleton lines={2} />
        </Card>
      ) : data.phase === 'not-set-up' ? (
        <Card>
          <EmptyState
            icon="setup"
            title="Set up your gateway"
            description="Choose folders, optional extra packages and a port. The app builds the image and starts the gateway for you."
            action={
              <Button variant="primary" icon="chevron-right" onClick={() => navigate('/setup')}>
                Start setup
              </Button>
            }
          />
        </Card>
      ) : (
        <>
          <StatusCard status={data} at={at} />
          {data.pendingApprovals > 0 ? (
            <Callout
              tone="info"
              icon="approvals"
              title={`${data.pendingApprovals === 1 ? 'A device is' : `${data.pendingApprovals} devices are`} waiting for your approval`}
              actions={
                <Button size="sm" variant="primary" onClick={() => navigate('/approvals')}>
                  Review
                </Button>
              }
            >
              Nothing can use the gateway from there until you approve it.
            </Callout>
          ) : null}
          {data.phase === 'engine-missing' ||
          data.phase === 'engine-stopped' ||
          data.phase === 'failed' ||
          data.phase === 'unhealthy' ? (
            <ErrorState
              compact
              title={PHASE_LABEL[data.phase]}
              message={data.detail ?? data.summary}
              nextStep={
                data.phase === 'engine-missing'
                  ? 'Install Docker Desktop (or Docker Engine on Linux), then come back.'
                  : data.phase === 'engine-stopped'
                    ? 'Start Docker, then retry.'
                    : 'Open Logs to see what the gateway reports, or run Diagnostics.'
              }
              onRetry={() => void refresh()}
              actions={
                <>
                  {data.phase === 'engine-stopped' ? <StartEngineButton /> : null}
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() =>
                      navigate(data.phase.startsWith('engine') ? '/diagnostics' : '/logs')
                    }
                  >
                    {data.phase.startsWith('engine') ? 'Open Diagnostics' : 'Open Logs'}
                  </Button>
                </>
              }
            />
          ) : null}
          {showOperation && operation.done && operation.error ? (
            // A finished operation is an outcome, not progress: its message, what to do, and a
            // way to put it away (it would otherwise stay until the next operation).
            <ErrorState
              compact
              title={
                operation.kind === 'rebuild'
                  ? 'The rebuild did not finish'
                  : 'The changes were not applied'
              }
              message={operation.error}
              nextStep={
                nextStepForCode(operation.errorCode) ?? 'Open Logs to see why, then try again.'
              }
              actions={
                <>
                  <Button size="sm" variant="ghost" onClick={() => navigate('/logs')}>
                    Open Logs
                  </Button>
                  <Button size="sm" variant="ghost" onClick={clearOperation}>
                    Dismiss
                  </Button>
                </>
              }
            />
          ) : showOperation ? (
            <Card
              title={
                operation.kind === 'rebuild'
                  ? 'Rebuilding the image'
                  : operation.kind === 'make-base'
                    ? 'Making local base images'
                    : 'Applying changes'
              }
            >
              <OperationProgress
                operation={operation}
                onCancel={() => void cancel()}
                showLog={false}
              />
            </Card>
          ) : null}
          <ResourcesCard phase={data.phase} />
          <DashboardUrlCard electron={kind === 'electron'} />
        </>
      )}
    </Page>
  );
}
