/**
 * Approvals: devices asking to pair (with what they ask for, in plain words, each scope a checkbox
 * so the user can grant less) and the devices that already have access. Rows name the device id
 * (two "Control UI (Chrome on Linux)" are otherwise twins) and mark the browser this page runs in.
 * The list refetches on `approvals.changed`, so a new browser shows up here while the page is open.
 */
import { useEffect, useState } from 'react';
import { storedBrowserDeviceId } from '../../control/connection/control-store.js';
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
  CopyButton,
  EmptyState,
  ErrorState,
  Icon,
  Page,
  PageHeader,
  Skeleton,
  StatusDot,
  Table,
  type TableColumn,
} from '../../ui/index.js';
import { DmRequestsCard } from '../channels/dm-requests.js';
import { formatRelative } from '../format.js';
import { useAppStore } from '../store/app-store-context.js';
import { deviceName } from '../store/approvals-slice.js';

/** Resolves this browser's device id once (null: no identity yet, or storage refused). */
function useBrowserDeviceId(lookup: () => Promise<string | null>): string | null {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void lookup().then((found) => {
      if (live) setId(found);
    });
    return () => {
      live = false;
    };
  }, [lookup]);
  return id;
}

/** `a1b2c3d4…` with the full id on hover and a copy button: tells look-alike rows apart. */
function DeviceId({ deviceId }: { deviceId: string }) {
  return (
    <span className="device-id">
      <span className="ui-mono" title={deviceId}>
        ID {deviceId.length > 12 ? `${deviceId.slice(0, 12)}…` : deviceId}
      </span>
      <CopyButton text={deviceId} iconOnly size="sm" label={`Copy device id ${deviceId}`} />
    </span>
  );
}

function ThisBrowser() {
  return (
    <Badge tone="success" title="The browser you are looking at this page with">
      This browser
    </Badge>
  );
}

function Scopes({
  scopes,
  granted,
  onToggle,
}: {
  scopes: PairingRequestView['scopes'];
  granted: ReadonlySet<string>;
  onToggle: (scope: string, on: boolean) => void;
}) {
  if (scopes.length === 0)
    return <p className="ui-muted ui-text-sm">No extra permissions (connect only).</p>;
  return (
    <ul className="scope-list">
      {scopes.map((s) => (
        <li key={s.scope} className="scope-list__item">
          <label className="scope-list__choice">
            <input
              type="checkbox"
              className="scope-list__check"
              checked={granted.has(s.scope)}
              onChange={(e) => onToggle(s.scope, e.currentTarget.checked)}
            />
            <span>
              <span className="scope-list__label">{s.label}</span>
              <span className="scope-list__desc"> — {s.description}</span>
            </span>
          </label>
        </li>
      ))}
    </ul>
  );
}

function RequestCard({
  request,
  thisBrowser,
}: {
  request: PairingRequestView;
  thisBrowser: boolean;
}) {
  const busy = useAppStore((s) => s.approvalBusy[request.requestId]);
  const approve = useAppStore((s) => s.approve);
  const reject = useAppStore((s) => s.reject);
  // Every scope asked for starts ticked; unticking grants less (the gateway never grants more).
  const [granted, setGranted] = useState<ReadonlySet<string>>(
    () => new Set(request.scopes.map((s) => s.scope)),
  );
  const all = request.scopes.length;
  const narrowed = granted.size < all;
  const facts = [
    request.platform,
    request.clientMode
      ? `${request.clientId ?? 'client'} (${request.clientMode})`
      : request.clientId,
    request.remoteIp ? `from ${request.remoteIp}` : undefined,
  ].filter(Boolean);
  return (
    <li className="request" id={`approval-${request.requestId}`}>
      <div className="request__head">
        <span className="request__icon" aria-hidden="true">
          <Icon name="devices" size={20} />
        </span>
        <div className="request__title">
          <h3 className="request__name">
            {deviceName(request)} {request.isRepair ? <Badge tone="info">Re-pairing</Badge> : null}
            {thisBrowser ? <ThisBrowser /> : null}
          </h3>
          <p className="request__meta">
            {facts.join(' · ')}
            {facts.length ? ' · ' : ''}asked {formatRelative(request.ts)}
          </p>
          <DeviceId deviceId={request.deviceId} />
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
            onClick={() =>
              void approve(
                request,
                narrowed
                  ? request.scopes.map((s) => s.scope).filter((x) => granted.has(x))
                  : undefined,
              )
            }
            loading={busy === 'approve'}
            disabled={Boolean(busy) || (all > 0 && granted.size === 0)}
            title={
              all > 0 && granted.size === 0 ? 'Tick at least one permission, or Reject' : undefined
            }
          >
            {narrowed ? `Approve ${granted.size} of ${all}` : 'Approve'}
          </Button>
        </div>
      </div>
      <div className="request__body">
        <p className="request__asks">
          Wants to connect as <strong>{request.role}</strong> and:
        </p>
        <Scopes
          scopes={request.scopes}
          granted={granted}
          onToggle={(scope, on) =>
            setGranted((current) => {
              const next = new Set(current);
              if (on) next.add(scope);
              else next.delete(scope);
              return next;
            })
          }
        />
        {narrowed ? (
          <p className="ui-text-xs ui-muted">
            The device gets only the ticked permissions; if it needs another one later, it asks
            again and shows up here.
          </p>
        ) : null}
        <p className="request__id ui-text-xs ui-muted">
          Request <span className="ui-mono">{request.requestId}</span>
        </p>
      </div>
    </li>
  );
}

function PairedTable({
  devices,
  loading,
  browserDeviceId,
}: {
  devices: PairedDeviceView[];
  loading: boolean;
  browserDeviceId: string | null;
}) {
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
            {!d.isThisApp && d.deviceId === browserDeviceId ? <ThisBrowser /> : null}
          </span>
          {d.platform || d.clientId ? (
            <span className="device-cell__meta">
              {[d.platform, d.clientId].filter(Boolean).join(' · ')}
            </span>
          ) : null}
          <DeviceId deviceId={d.deviceId} />
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
      render: (d) =>
        d.connectedNow ? (
          <span className="ui-text-sm device-online">
            <StatusDot tone="success" label="Connected now" />
          </span>
        ) : (
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

export interface ApprovalsPageProps {
  /** Where "this browser" comes from (tests pass their own). */
  browserDeviceId?: () => Promise<string | null>;
}

export function ApprovalsPage({ browserDeviceId = storedBrowserDeviceId }: ApprovalsPageProps) {
  const thisBrowser = useBrowserDeviceId(browserDeviceId);
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
        description="Browsers, apps and new chat senders must be approved before they can use your gateway."
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
        title="Devices waiting"
        description={
          data ? `${data.pending.length} request${data.pending.length === 1 ? '' : 's'}` : undefined
        }
      >
        {firstLoad ? (
          <Skeleton lines={3} />
        ) : data && data.pending.length > 0 ? (
          <ul className="request-list">
            {data.pending.map((r) => (
              <RequestCard key={r.requestId} request={r} thisBrowser={r.deviceId === thisBrowser} />
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
      <DmRequestsCard />
      <Card
        flush
        title="Paired devices"
        description="Revoke takes a role's token away; Remove forgets the device entirely."
      >
        <PairedTable
          devices={data?.paired ?? []}
          loading={firstLoad}
          browserDeviceId={thisBrowser}
        />
      </Card>
    </Page>
  );
}
