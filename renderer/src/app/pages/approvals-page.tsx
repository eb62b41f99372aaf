/**
 * Approvals: devices asking to pair (with what they ask for, in plain words) and the devices that
 * already have access. The list refetches on `approvals.changed`, so a new browser shows up here
 * while the page is open.
 */
import { useEffect, useState } from 'react';
import type {
  PairedDeviceView,
  PairingRequestView,
} from '../../../../electron/contract/host-api.js';
import { nextStepFor } from '../../host/host-error.js';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  Icon,
  Page,
  PageHeader,
  Skeleton,
  Table,
  type TableColumn,
} from '../../ui/index.js';
import { formatRelative } from '../format.js';
import { useAppStore } from '../store/app-store-context.js';
import { deviceName } from '../store/approvals-slice.js';

function Scopes({ scopes }: { scopes: PairingRequestView['scopes'] }) {
  if (scopes.length === 0)
    return <p className="ui-muted ui-text-sm">No extra permissions (connect only).</p>;
  return (
    <ul className="scope-list">
      {scopes.map((s) => (
        <li key={s.scope} className="scope-list__item">
          <Icon name="check" size={14} className="scope-list__icon" />
          <span>
            <span className="scope-list__label">{s.label}</span>
            <span className="scope-list__desc"> — {s.description}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

function RequestCard({ request }: { request: PairingRequestView }) {
  const busy = useAppStore((s) => s.approvalBusy[request.requestId]);
  const approve = useAppStore((s) => s.approve);
  const reject = useAppStore((s) => s.reject);
  const facts = [
    request.platform,
    request.clientMode
      ? `${request.clientId ?? 'client'} (${request.clientMode})`
      : request.clientId,
    request.remoteIp ? `from ${request.remoteIp}` : undefined,
  ].filter(Boolean);
  return (
    <li className="request">
      <div className="request__head">
        <span className="request__icon" aria-hidden="true">
          <Icon name="devices" size={20} />
        </span>
        <div className="request__title">
          <h3 className="request__name">
            {deviceName(request)} {request.isRepair ? <Badge tone="info">Re-pairing</Badge> : null}
          </h3>
          <p className="request__meta">
            {facts.join(' · ')}
            {facts.length ? ' · ' : ''}asked {formatRelative(request.ts)}
          </p>
        </div>
        <div className="request__actions">
          <Button
            variant="ghost"
            onClick={() => void reject(request)}
            loading={busy === 'reject'}
            disabled={Boolean(busy)}
          >
            Reject
          </Button>
          <Button
            variant="primary"
            icon="check"
            onClick={() => void approve(request)}
            loading={busy === 'approve'}
            disabled={Boolean(busy)}
          >
            Approve
          </Button>
        </div>
      </div>
      <div className="request__body">
        <p className="request__asks">
          Wants to connect as <strong>{request.role}</strong> and:
        </p>
        <Scopes scopes={request.scopes} />
        <p className="request__id ui-text-xs ui-muted">
          Request <span className="ui-mono">{request.requestId}</span>
        </p>
      </div>
    </li>
  );
}

function PairedTable({ devices, loading }: { devices: PairedDeviceView[]; loading: boolean }) {
  const busy = useAppStore((s) => s.approvalBusy);
  const revoke = useAppStore((s) => s.revokeDevice);
  const remove = useAppStore((s) => s.removeDevice);
  const [confirm, setConfirm] = useState<PairedDeviceView | null>(null);
  const columns: TableColumn<PairedDeviceView>[] = [
    {
      key: 'device',
      header: 'Device',
      width: '34%',
      render: (d) => (
        <div className="device-cell">
          <span className="device-cell__name">
            {deviceName(d)} {d.isThisApp ? <Badge tone="accent">This app</Badge> : null}
          </span>
          <span className="device-cell__meta">
            {[d.platform, d.clientId].filter(Boolean).join(' · ') || d.deviceId.slice(0, 12)}
          </span>
        </div>
      ),
    },
    {
      key: 'access',
      header: 'Access',
      render: (d) => (
        <div className="badge-row">
          {d.roles.map((r) => (
            <Badge key={`r-${r}`} tone="neutral">
              {r}
            </Badge>
          ))}
          {d.scopes.map((s) => (
            <Badge key={s.scope} tone="info" title={s.description}>
              {s.label}
            </Badge>
          ))}
        </div>
      ),
    },
    {
      key: 'used',
      header: 'Last used',
      width: '14%',
      render: (d) => (
        <span className="ui-text-sm ui-muted">
          {d.lastUsedAtMs ? formatRelative(d.lastUsedAtMs) : 'Never'}
        </span>
      ),
    },
    {
      key: 'actions',
      header: 'Actions',
      headerHidden: true,
      align: 'end',
      width: '24%',
      render: (d) =>
        d.isThisApp ? (
          <span className="ui-text-xs ui-muted">Managed by the app</span>
        ) : (
          <div className="row-actions">
            {d.roles.map((role) => (
              <Button
                key={role}
                size="sm"
                variant="secondary"
                loading={busy[d.deviceId] === 'revoke'}
                disabled={Boolean(busy[d.deviceId])}
                onClick={() => void revoke(d, role)}
                aria-label={`Revoke ${role} access of ${deviceName(d)}`}
              >
                {d.roles.length > 1 ? `Revoke ${role}` : 'Revoke'}
              </Button>
            ))}
            <Button
              size="sm"
              variant="ghost"
              icon="trash"
              disabled={Boolean(busy[d.deviceId])}
              onClick={() => setConfirm(d)}
              aria-label={`Remove ${deviceName(d)}`}
            >
              Remove
            </Button>
          </div>
        ),
    },
  ];
  return (
    <>
      <Table
        caption="Paired devices"
        columns={columns}
        rows={devices}
        rowKey={(d) => d.deviceId}
        loading={loading}
        empty={
          <EmptyState
            compact
            icon="devices"
            title="No paired devices yet"
            description="Devices you approve appear here."
          />
        }
      />
      <ConfirmDialog
        open={confirm !== null}
        title={`Remove ${confirm ? deviceName(confirm) : 'device'}?`}
        body="Its tokens stop working at once. To connect again it has to ask for pairing, and you approve it here."
        confirmLabel="Remove device"
        tone="danger"
        busy={confirm ? busy[confirm.deviceId] === 'remove' : false}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          if (confirm) void remove(confirm).then(() => setConfirm(null));
        }}
      />
    </>
  );
}

export function ApprovalsPage() {
  const approvals = useAppStore((s) => s.approvals);
  const refresh = useAppStore((s) => s.refreshApprovals);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const data = approvals.data;
  const firstLoad = !data && approvals.loading;
  return (
    <Page>
      <PageHeader
        title="Approvals"
        description="Browsers and apps must be approved before they can use your gateway."
        actions={
          <Button
            icon="refresh"
            onClick={() => void refresh()}
            loading={approvals.loading && Boolean(data)}
          >
            Refresh
          </Button>
        }
      />
      {approvals.error ? (
        <ErrorState
          title="Could not load the pairing queue"
          message={approvals.error.message}
          nextStep={
            nextStepFor(approvals.error) ??
            'Make sure the gateway is running (Dashboard), then retry.'
          }
          onRetry={() => void refresh()}
          retrying={approvals.loading}
        />
      ) : null}
      <Card
        title="Waiting for approval"
        description={
          data ? `${data.pending.length} request${data.pending.length === 1 ? '' : 's'}` : undefined
        }
      >
        {firstLoad ? (
          <Skeleton lines={3} />
        ) : data && data.pending.length > 0 ? (
          <ul className="request-list">
            {data.pending.map((r) => (
              <RequestCard key={r.requestId} request={r} />
            ))}
          </ul>
        ) : (
          <EmptyState
            compact
            icon="approvals"
            title="No one is waiting"
            description="When a browser or app asks to connect to your gateway, it shows up here and in the tray."
          />
        )}
      </Card>
      <Card
        flush
        title="Paired devices"
        description="Revoke takes a role's token away; Remove forgets the device entirely."
      >
        <PairedTable devices={data?.paired ?? []} loading={firstLoad} />
      </Card>
    </Page>
  );
}
