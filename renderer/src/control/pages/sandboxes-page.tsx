/**
 * Sandboxes, as the gateway sees them: the containers agent tools run in, read with
 * `sandboxes.list` (read scope) and removed for recreation with `sandboxes.recreate` (admin scope).
 * The gateway reaches the containers the way its runs do, so this page works in a plain browser
 * too; the app's own Sandboxes page asks Docker on this computer instead.
 */
import { useState } from 'react';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  Page,
  PageHeader,
  Table,
  toast,
} from '../../ui/index.js';
import { Link } from '../../shell/link.js';
import { ControlPage } from '../components/control-page.js';
import { formatDuration } from '../format.js';
import { gatewayRequest } from '../connection/control-store.js';
import { useGatewayHello, useGatewayQuery } from '../connection/hooks.js';
import { errorText } from '../connection/queries-slice.js';
import {
  parseRecreateResult,
  parseSandboxList,
  type GatewaySandboxRow,
  type SandboxRecreateResult,
} from '../connection/sandbox-payloads.js';
import '../components/control.css';

type Pending = { kind: 'one'; row: GatewaySandboxRow } | { kind: 'all'; count: number };

function whose(row: GatewaySandboxRow): string {
  return row.agentId ? `agent ${row.agentId}` : 'no agent recorded';
}

function outcome(result: SandboxRecreateResult): { title: string; body?: string; ok: boolean } {
  const n = result.removed.length;
  const failed = result.failed.map((f) => `${f.containerName}: ${f.error}`).join('; ');
  if (n === 0 && result.failed.length === 0)
    return { title: 'There was no sandbox container to remove', ok: true };
  return {
    title:
      n === 0
        ? 'No sandbox container could be removed'
        : `Removed ${n} container${n === 1 ? '' : 's'}: the next agent run creates ${n === 1 ? 'it' : 'them'} afresh`,
    ...(failed ? { body: `Not removed — ${failed}` } : {}),
    ok: result.failed.length === 0,
  };
}

function ConfigMatchCell({ row }: { row: GatewaySandboxRow }) {
  if (row.configMatch === 'yes') return <Badge tone="success">matches config</Badge>;
  return (
    <span className="cui-cell-main">
      {row.configMatch === 'no' ? (
        <Badge tone="warning">differs from config</Badge>
      ) : (
        <Badge tone="neutral">unknown</Badge>
      )}
      {row.configNote ? <span className="cui-cell-main__sub">{row.configNote}</span> : null}
    </span>
  );
}

function SandboxesContent() {
  const hello = useGatewayHello();
  const canRecreate = hello?.scopes.includes('operator.admin') ?? false;
  const list = useGatewayQuery('sandboxes.list', 'sandboxes.list', {}, { parse: parseSandboxList });
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);

  const recreate = async () => {
    if (!pending) return;
    const params = pending.kind === 'all' ? { all: true } : { sessionKey: pending.row.scopeKey };
    setBusy(true);
    try {
      const result = parseRecreateResult(await gatewayRequest('sandboxes.recreate', params));
      const said = outcome(result);
      toast({
        title: said.title,
        ...(said.body ? { body: said.body } : {}),
        tone: said.ok ? 'success' : 'danger',
      });
    } catch (err) {
      toast({ title: 'The sandbox was not recreated', body: errorText(err), tone: 'danger' });
    } finally {
      setBusy(false);
      setPending(null);
      void list.refetch();
    }
  };

  const containers = list.data?.containers ?? [];
  const firstLoad = list.data === undefined && list.error === null;
  const now = list.data?.nowMs ?? Date.now();

  return (
    <Page>
      <PageHeader
        eyebrow="Control UI"
        title="Sandboxes"
        description="The isolated containers agent tools run in, as this gateway sees them. Recreating one is safe: it is removed now, and the next run that needs it builds it afresh with the current config."
        actions={
          <>
            {canRecreate && containers.length > 0 ? (
              <Button
                icon="restart"
                onClick={() => setPending({ kind: 'all', count: containers.length })}
              >
                Recreate all
              </Button>
            ) : null}
            <Button
              icon="refresh"
              onClick={() => void list.refetch()}
              loading={list.loading && !firstLoad}
            >
              Refresh
            </Button>
          </>
        }
      />
      {list.error ? (
        <ErrorState
          title="The gateway could not list its sandboxes"
          message={list.error}
          nextStep="The gateway reaches sandbox containers the way its agent runs do. Check that sandboxing is set up (Docker or sandboxd reachable from the gateway), then retry."
          onRetry={() => void list.refetch()}
          retrying={list.loading}
        />
      ) : null}
      {!canRecreate && hello ? (
        <p className="ui-muted ui-text-sm" role="note">
          This browser can look but not recreate: recreating needs the Admin permission, and this
          device was approved without it. Whoever approves devices can remove it and approve it
          again with Admin, or run <code>openclaw sandbox recreate</code> where the gateway runs.
        </p>
      ) : null}
      {list.error && !list.data ? null : (
        <Card title="Containers" flush>
          <Table<GatewaySandboxRow>
            caption="Sandbox containers"
            rows={containers}
            rowKey={(r) => r.containerName}
            loading={firstLoad}
            empty={
              <EmptyState
                icon="sandbox"
                title="No sandbox containers"
                description="Either sandboxing is off (agents.defaults.sandbox in the config, or Settings → Sandbox in the desktop app), or no agent run has needed a sandbox yet. Containers appear here once an agent runs a tool in one."
                action={<Link to="/control/config">Open the config</Link>}
              />
            }
            columns={[
              {
                key: 'container',
                header: 'Container',
                render: (r) => (
                  <span className="cui-cell-main">
                    <span className="cui-cell-main__title ui-mono">{r.containerName}</span>
                    <span className="cui-cell-main__sub">
                      {whose(r)} · <span className="ui-mono">{r.scopeKey || 'no scope key'}</span>
                    </span>
                  </span>
                ),
              },
              {
                key: 'state',
                header: 'State',
                width: '100px',
                render: (r) => (
                  <Badge tone={r.running ? 'success' : 'neutral'}>
                    {r.running ? 'running' : 'stopped'}
                  </Badge>
                ),
              },
              {
                key: 'image',
                header: 'Image',
                render: (r) => <span className="ui-mono ui-text-sm">{r.image || 'unknown'}</span>,
              },
              {
                key: 'idle',
                header: 'Idle',
                width: '90px',
                render: (r) =>
                  r.lastUsedAtMs ? (
                    <span className="ui-text-sm" title="Since an agent last used it">
                      {formatDuration(Math.max(0, now - r.lastUsedAtMs))}
                    </span>
                  ) : (
                    <span className="ui-muted">unknown</span>
                  ),
              },
              {
                key: 'config',
                header: 'Config',
                render: (r) => <ConfigMatchCell row={r} />,
              },
              ...(canRecreate
                ? [
                    {
                      key: 'actions',
                      header: 'Actions',
                      headerHidden: true,
                      align: 'end' as const,
                      render: (r: GatewaySandboxRow) => (
                        <Button
                          size="sm"
                          variant="ghost"
                          icon="restart"
                          disabled={busy || !r.scopeKey}
                          onClick={() => setPending({ kind: 'one', row: r })}
                          aria-label={`Recreate ${r.containerName}`}
                        >
                          Recreate
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      )}
      <ConfirmDialog
        open={pending !== null}
        tone="danger"
        title={pending?.kind === 'all' ? 'Recreate every sandbox?' : 'Recreate this sandbox?'}
        body={
          <p>
            {pending?.kind === 'all'
              ? `All ${pending.count} sandbox container${pending.count === 1 ? ' is' : 's are'} removed now; each is built afresh, with the current config, by the next agent run that needs it.`
              : pending
                ? `${pending.row.containerName} is removed now and built afresh, with the current config, by the next agent run that needs it.`
                : null}{' '}
            Files in the agent workspace stay; anything installed inside a container is lost, and a
            command running in it now is stopped.
          </p>
        }
        confirmLabel={pending?.kind === 'all' ? 'Recreate all' : 'Recreate'}
        busy={busy}
        onConfirm={() => void recreate()}
        onCancel={() => setPending(null)}
      />
    </Page>
  );
}

export function SandboxesPage() {
  return (
    <ControlPage>
      <SandboxesContent />
    </ControlPage>
  );
}
