/**
 * Overview: is the gateway healthy, which version, how long up, who is connected. Starts from the
 * hello snapshot (so it draws at once), then reads `health`, `status` and `system-presence`, and
 * reads again on the gateway's `tick`, `health` and `presence` events.
 */
import type { ReactNode } from 'react';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  KeyValueList,
  Page,
  PageHeader,
  Skeleton,
  StatusDot,
  Table,
} from '../../ui/index.js';
import { ControlPage } from '../components/control-page.js';
import { Link } from '../../shell/link.js';
import { useNow } from '../components/use-now.js';
import { formatDuration, formatRelative, shortId } from '../format.js';
import { parsePresenceList, type PresenceEntry } from '../connection/hello.js';
import {
  useGatewayConnected,
  useGatewayHello,
  useGatewayPresence,
  useGatewayQuery,
} from '../connection/hooks.js';
import { parseHealth, parseStatus } from '../connection/payloads.js';
import { useControlStore } from '../connection/control-store.js';
import { useReachability } from '../../host/use-stack-hints.js';
import type { StackReachability } from '../../../../electron/contract/host-api.js';

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="cui-stat">
      <span className="cui-stat__label">{label}</span>
      <span className="cui-stat__value">{value}</span>
      <span className="cui-stat__hint">{hint}</span>
    </div>
  );
}

const MODE_LABEL: Record<string, string> = {
  webchat: 'Browser',
  ui: 'App',
  cli: 'Command line',
  backend: 'Service',
  node: 'Node',
  probe: 'Probe',
};

function clientName(entry: PresenceEntry): string {
  return (
    entry.text ||
    entry.host ||
    entry.instanceId ||
    (entry.deviceId ? shortId(entry.deviceId) : 'Unknown client')
  );
}

/**
 * Who can reach the gateway. Only the host sees the published address (Docker's port binding);
 * the gateway's own "listening" and "bind" describe its side of the container, where 0.0.0.0 and
 * "lan" are needed for port mapping at all and say nothing about the network.
 */
export function ReachableFrom({
  reachability,
  bind,
}: {
  reachability: StackReachability | null;
  bind: string | undefined;
}) {
  if (reachability) {
    const local = reachability.localUrl.replace(/\/$/, '');
    if (reachability.scope === 'this-computer')
      return (
        <span data-testid="reachable-from">
          <span className="ui-mono">{local}</span> — this computer only
        </span>
      );
    return (
      <span data-testid="reachable-from">
        {reachability.lanUrls.length > 0 ? (
          <span className="ui-mono">
            {reachability.lanUrls.map((u) => u.replace(/\/$/, '')).join(', ')}
          </span>
        ) : (
          <span className="ui-mono">
            {reachability.publishAddress}:{reachability.port}
          </span>
        )}{' '}
        — other devices on your network (token and approval required), and{' '}
        <span className="ui-mono">{local}</span> here
      </span>
    );
  }
  return (
    <span data-testid="reachable-from">
      {bind === 'loopback' ? (
        'inside the container only (bind loopback)'
      ) : (
        <>
          not visible from inside the container
          <span className="cui-kv-note">
            Docker’s published port decides (OpenClaw Desktop shows it)
          </span>
        </>
      )}
    </span>
  );
}

function OverviewContent() {
  const now = useNow(1000);
  const hello = useGatewayHello();
  const url = useControlStore((s) => s.gatewayUrl);
  const reachability = useReachability();
  const livePresence = useGatewayPresence();
  const health = useGatewayQuery(
    'overview.health',
    'health',
    {},
    { parse: parseHealth, refetchOn: ['health', 'tick'] },
  );
  const status = useGatewayQuery(
    'overview.status',
    'status',
    {},
    {
      parse: parseStatus,
      refetchOn: [
        'presence',
        'tick',
        'device.pair.requested',
        'device.pair.resolved',
        'config.changed',
      ],
    },
  );
  const presence = useGatewayQuery(
    'overview.presence',
    'system-presence',
    {},
    { parse: parsePresenceList, refetchOn: ['presence'] },
  );

  // Uptime ticks locally between reads: last known uptime + time since we learnt it.
  const uptimeBase =
    status.data?.uptimeMs !== undefined && status.updatedAt !== null
      ? { ms: status.data.uptimeMs, at: status.updatedAt }
      : hello && hello.uptimeMs !== null
        ? { ms: hello.uptimeMs, at: hello.receivedAtMs }
        : null;
  const connected = useGatewayConnected();
  // While the connection is down nothing here is current: say so instead of showing stale "Healthy".
  const uptime = uptimeBase && connected ? uptimeBase.ms + Math.max(0, now - uptimeBase.at) : null;
  const healthy = health.data ? health.data.ok : hello?.health?.ok === true;
  const clients = presence.data ?? livePresence;
  const pending = status.data?.pairingPending;

  const refresh = () => {
    void health.refetch();
    void status.refetch();
    void presence.refetch();
  };

  return (
    <Page>
      <PageHeader
        eyebrow="Control UI"
        title="Overview"
        description={
          url
            ? `Connected to the gateway at ${url.replace(/^wss?:\/\//, '')}.`
            : 'The gateway this page is connected to.'
        }
        actions={
          <Button
            icon="refresh"
            onClick={refresh}
            loading={health.loading && health.updatedAt !== null}
          >
            Refresh
          </Button>
        }
      />
      <div className="cui-stats">
        <Stat
          label="Health"
          value={
            !connected ? (
              <StatusDot tone="neutral" label="Unknown" />
            ) : health.error && !health.data ? (
              <StatusDot tone="danger" label="Unknown" />
            ) : (
              <StatusDot
                tone={healthy ? 'success' : 'warning'}
                label={healthy ? 'Healthy' : 'Degraded'}
              />
            )
          }
          hint={
            !connected
              ? 'not connected right now'
              : health.data?.ts
                ? `checked ${formatRelative(health.data.ts, now)}`
                : 'from the connection snapshot'
          }
        />
        <Stat
          label="Version"
          value={status.data?.version ?? hello?.serverVersion ?? '—'}
          hint={hello ? `protocol ${hello.protocol}` : undefined}
        />
        <Stat
          label="Uptime"
          value={uptime === null ? '—' : formatDuration(uptime)}
          hint={status.data?.node ? `Node ${status.data.node}` : undefined}
        />
        <Stat
          label="Pairing requests"
          value={pending === undefined ? <Skeleton width={32} height={22} /> : pending}
          hint={pending ? <Link to="/control/devices">Review on Devices</Link> : 'none waiting'}
        />
      </div>

      <Card
        title="Connected now"
        description="Browsers, apps and nodes with a live connection to the gateway."
        flush
        actions={<Badge tone="neutral">{clients.length}</Badge>}
      >
        {presence.error && !presence.data ? (
          <ErrorState compact message={presence.error} onRetry={() => void presence.refetch()} />
        ) : (
          <Table<PresenceEntry>
            caption="Connected clients"
            rows={clients}
            rowKey={(e) => `${e.instanceId ?? ''}${e.deviceId ?? ''}${e.host ?? ''}${e.ts}`}
            loading={false}
            empty={
              <EmptyState
                compact
                icon="users"
                title="Nobody is connected"
                description="Clients appear here while they are connected."
              />
            }
            columns={[
              {
                key: 'client',
                header: 'Client',
                width: '34%',
                render: (e) => (
                  <span className="cui-cell-main">
                    <span className="cui-cell-main__title">{clientName(e)}</span>
                    {e.deviceId ? (
                      <span className="cui-cell-main__sub" title={e.deviceId}>
                        {shortId(e.deviceId)}
                      </span>
                    ) : null}
                  </span>
                ),
              },
              {
                key: 'mode',
                header: 'Kind',
                render: (e) =>
                  e.mode ? <Badge tone="info">{MODE_LABEL[e.mode] ?? e.mode}</Badge> : '—',
              },
              {
                key: 'platform',
                header: 'Platform',
                render: (e) => [e.platform, e.version].filter(Boolean).join(' · ') || '—',
              },
              {
                key: 'ip',
                header: 'Address',
                render: (e) => <span className="ui-mono">{e.ip ?? '—'}</span>,
              },
              {
                key: 'since',
                header: 'Connected',
                align: 'end',
                render: (e) => formatRelative(e.onlineSince ?? e.ts, now),
              },
            ]}
          />
        )}
      </Card>

      <div className="cui-grid-2">
        <Card title="Gateway">
          {status.error && !status.data ? (
            <ErrorState compact message={status.error} onRetry={() => void status.refetch()} />
          ) : (
            <KeyValueList
              columns={2}
              items={[
                {
                  key: 'bind',
                  label: 'Reachable at',
                  value: <ReachableFrom reachability={reachability} bind={status.data?.bind} />,
                },
                {
                  key: 'listen',
                  label: 'Gateway listens on',
                  value: status.data?.listening ? (
                    <span>
                      <span className="ui-mono">{status.data.listening}</span>{' '}
                      <span className="ui-muted">inside the container</span>
                    </span>
                  ) : (
                    '—'
                  ),
                },
                {
                  key: 'auth',
                  label: 'Sign-in',
                  value: status.data?.authMode ?? hello?.authMode ?? '—',
                },
                { key: 'conn', label: 'Connections', value: status.data?.connections ?? '—' },
                {
                  key: 'paired',
                  label: 'Paired devices',
                  value: status.data?.pairingPaired ?? '—',
                },
                {
                  key: 'config',
                  label: 'Configuration',
                  value:
                    status.data?.configValid === false ? (
                      <Badge tone="danger">has problems</Badge>
                    ) : status.data?.configValid ? (
                      <Badge tone="success">valid</Badge>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
          )}
        </Card>
        <Card title="Agents and sessions">
          {health.error && !health.data ? (
            <ErrorState compact message={health.error} onRetry={() => void health.refetch()} />
          ) : (
            <KeyValueList
              columns={2}
              items={[
                {
                  key: 'agent',
                  label: 'Default agent',
                  value: health.data?.defaultAgentId ?? hello?.defaultAgentId ?? '—',
                },
                { key: 'sessions', label: 'Sessions', value: health.data?.sessionCount ?? '—' },
                {
                  key: 'recent',
                  label: 'Last activity',
                  value: health.data?.recentSessions[0]?.updatedAt
                    ? formatRelative(health.data.recentSessions[0].updatedAt, now)
                    : 'none yet',
                },
                {
                  key: 'check',
                  label: 'Health check took',
                  value:
                    health.data?.durationMs !== undefined ? `${health.data.durationMs} ms` : '—',
                },
              ]}
            />
          )}
        </Card>
      </div>
    </Page>
  );
}

export function OverviewPage() {
  return (
    <ControlPage>
      <OverviewContent />
    </ControlPage>
  );
}
