/**
 * Sandboxes: the agent sandbox containers on the Docker engine (only those the sandbox labelled),
 * with their state, whose they are, how long they have been idle and whether their image is the
 * one the config asks for; Recreate, Remove, Prune idle and Logs, and for a headful browser
 * sandbox Open live view (a one-time noVNC link). A removed container is created afresh by the next
 * agent run that needs it, which is what "recreate" means here.
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  SandboxContainerView,
  SandboxList,
  SandboxPruneResult,
} from '../../../../electron/contract/sandbox-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import { navigate } from '../../shell/router.js';
import {
  Badge,
  Button,
  Card,
  CodeBlock,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  Field,
  Page,
  PageHeader,
  Select,
  Table,
  toast,
  type TableColumn,
  type Tone,
} from '../../ui/index.js';
import { formatDuration } from '../format.js';
import { SandboxLogsDialog } from '../sandboxes/sandbox-logs-dialog.js';
import { PruneFailures, pruneSummary } from '../sandboxes/sandbox-prune-result.js';

const STATE_TONE: Record<string, Tone> = {
  running: 'success',
  created: 'info',
  restarting: 'warning',
  paused: 'warning',
  exited: 'neutral',
  dead: 'danger',
};

const PRUNE_CHOICES = [1, 6, 24, 72, 168].map((h) => ({
  value: String(h),
  label: h < 24 ? `Idle over ${h} h` : `Idle over ${h / 24} day${h === 24 ? '' : 's'}`,
}));

type Pending = { kind: 'recreate' | 'remove'; name: string } | { kind: 'prune'; hours: number };

function whose(c: SandboxContainerView): string {
  if (c.scopeKey === 'shared') return 'All agents (shared)';
  if (c.agentId && c.scopeKey === `agent:${c.agentId}`) return `Agent ${c.agentId}`;
  return c.agentId ? `Agent ${c.agentId}, one session` : 'One session';
}

export function SandboxesPage() {
  const api = useHostApi();
  const [list, setList] = useState<SandboxList>();
  const [error, setError] = useState<HostError>();
  const [loading, setLoading] = useState(true);
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [logsOf, setLogsOf] = useState<string>();
  const [pruneHours, setPruneHours] = useState('24');
  const [pruneFailed, setPruneFailed] = useState<SandboxPruneResult['failed']>([]);
  const [opening, setOpening] = useState<string>();

  const reload = useCallback(() => {
    setLoading(true);
    api.call('sandboxes.list', {}).then(
      (l) => (setList(l), setError(undefined), setLoading(false)),
      (err: unknown) => (setError(toHostError(err)), setLoading(false)),
    );
  }, [api]);
  useEffect(reload, [reload]);

  const run = () => {
    if (!pending) return;
    setBusy(true);
    const done = (message: string) => {
      setBusy(false);
      setPending(undefined);
      toast({ tone: 'success', title: message });
      reload();
    };
    const failed = (err: unknown) => {
      const e = toHostError(err);
      setBusy(false);
      setPending(undefined);
      toast({
        tone: 'danger',
        title: e.message,
        ...(nextStepFor(e) ? { body: nextStepFor(e) } : {}),
      });
      reload();
    };
    if (pending.kind === 'prune') {
      api.call('sandboxes.prune', { idleHours: pending.hours }).then((r) => {
        setPruneFailed(r.failed);
        done(pruneSummary(r));
      }, failed);
    } else {
      api
        .call('sandboxes.remove', { name: pending.name })
        .then(
          () =>
            done(
              pending.kind === 'recreate'
                ? 'Removed: the next agent run creates it afresh.'
                : 'Sandbox removed.',
            ),
          failed,
        );
    }
  };

  const openLiveView = (name: string) => {
    setOpening(name);
    api.call('sandboxes.liveView', { name }).then(
      ({ url, opened }) => {
        setOpening(undefined);
        // The headless host cannot reach the user's browser; this page is in it already.
        if (!opened) window.open(url, '_blank', 'noopener,noreferrer');
        toast({
          tone: 'success',
          title: 'Live view opened in your browser.',
          body: 'The link works once; open it again from here for another viewer.',
        });
      },
      (err: unknown) => {
        setOpening(undefined);
        const e = toHostError(err);
        toast({
          tone: 'danger',
          title: e.message,
          ...(nextStepFor(e) ? { body: nextStepFor(e) } : {}),
        });
      },
    );
  };

  const columns: TableColumn<SandboxContainerView>[] = [
    {
      key: 'name',
      header: 'Container',
      render: (c) => (
        <>
          <span className="ui-mono">{c.name}</span>
          {c.browser ? ' ' : null}
          {c.browser ? (
            <Badge tone="info" title="Chromium for the agent's browser tool">
              Browser
            </Badge>
          ) : null}
          <span className="sandboxes__scope">
            {whose(c)} · <span className="ui-mono">{c.scopeKey}</span>
          </span>
        </>
      ),
    },
    {
      key: 'state',
      header: 'State',
      width: '110px',
      render: (c) => <Badge tone={STATE_TONE[c.state] ?? 'neutral'}>{c.state}</Badge>,
    },
    {
      key: 'idle',
      header: 'Idle',
      width: '110px',
      render: (c) => (
        <span
          className="tabular sandboxes__nowrap"
          title={
            c.usedFrom === 'registry'
              ? 'Since the last agent command in it'
              : 'Since it started (the gateway has not recorded a use)'
          }
        >
          {formatDuration(c.idleMs)}
        </span>
      ),
    },
    {
      key: 'image',
      header: 'Image',
      width: '190px',
      render: (c) => (
        <span className="badge-row">
          {c.imageMatches ? (
            <Badge tone="success" title={c.image}>
              matches config
            </Badge>
          ) : (
            <Badge tone="warning" title={`Config asks for ${c.configuredImage}`}>
              differs from config
            </Badge>
          )}
          {c.imageMatches ? null : <span className="sandboxes__scope ui-mono">{c.image}</span>}
          {c.recreatePending ? (
            <Badge tone="info" title="The config changed; recreated when idle">
              recreate pending
            </Badge>
          ) : null}
        </span>
      ),
    },
    {
      key: 'actions',
      header: 'Actions',
      headerHidden: true,
      align: 'end',
      width: '420px',
      render: (c) => (
        <span className="row-actions sandboxes__nowrap">
          {c.browser ? (
            // A disabled button shows no tooltip of its own, so the wrapper carries the reason.
            <span
              title={c.liveViewUnavailable ? `No live view: ${c.liveViewUnavailable}` : undefined}
            >
              <Button
                size="sm"
                icon="monitor"
                disabled={c.liveViewUnavailable !== undefined}
                loading={opening === c.name}
                onClick={() => openLiveView(c.name)}
              >
                Open live view
              </Button>
            </span>
          ) : null}
          <Button size="sm" icon="logs" onClick={() => setLogsOf(c.name)}>
            Logs
          </Button>
          <Button
            size="sm"
            icon="restart"
            onClick={() => setPending({ kind: 'recreate', name: c.name })}
          >
            Recreate
          </Button>
          <Button
            size="sm"
            variant="danger"
            onClick={() => setPending({ kind: 'remove', name: c.name })}
          >
            Remove
          </Button>
        </span>
      ),
    },
  ];

  const header = (
    <PageHeader
      title="Sandboxes"
      description="The isolated containers agent tools run in. Removing one is safe: the next run that needs it creates a fresh one."
      actions={
        <Button icon="refresh" onClick={reload} loading={loading && list !== undefined}>
          Refresh
        </Button>
      }
    />
  );

  if (error && !list)
    return (
      <Page>
        {header}
        <ErrorState
          message={error.message}
          nextStep={nextStepFor(error)}
          onRetry={reload}
          retrying={loading}
        />
      </Page>
    );

  if (list?.engine === 'unavailable')
    return (
      <Page>
        {header}
        <EmptyState
          icon="warning"
          title="No Docker engine"
          description={`Sandboxes are containers, so they need a running Docker engine. ${list.detail ?? ''} Start Docker, then refresh.`}
          action={
            <Button icon="diagnostics" onClick={() => navigate('/diagnostics')}>
              Open Diagnostics
            </Button>
          }
        />
      </Page>
    );

  const containers = list?.containers ?? [];
  return (
    <Page>
      {header}
      <Card
        title="Containers"
        actions={
          containers.length > 0 ? (
            <div className="sandboxes__toolbar">
              <Field label="Prune">
                <Select
                  options={PRUNE_CHOICES}
                  value={pruneHours}
                  onChange={(e) => setPruneHours(e.target.value)}
                />
              </Field>
              <Button
                icon="trash"
                onClick={() => setPending({ kind: 'prune', hours: Number(pruneHours) })}
              >
                Prune idle
              </Button>
            </div>
          ) : undefined
        }
      >
        <PruneFailures failed={pruneFailed} onDismiss={() => setPruneFailed([])} />
        <Table
          caption="Sandbox containers"
          columns={columns}
          rows={containers}
          rowKey={(c) => c.name}
          loading={!list}
          empty={
            <EmptyState
              icon="sandbox"
              title="No sandbox containers"
              description="Either sandboxing is off, or no agent run has needed a sandbox yet. Turn it on in Settings → Sandbox (or set it up from a terminal as below); containers appear here once an agent runs a tool in one."
              action={
                <div className="sandboxes__empty-actions">
                  <Button variant="primary" icon="settings" onClick={() => navigate('/settings')}>
                    Open Settings
                  </Button>
                  <CodeBlock code="OPENCLAW_SANDBOX=1 ./docker-setup.sh" label="From a terminal" />
                </div>
              }
            />
          }
        />
      </Card>
      <ConfirmDialog
        open={pending !== undefined}
        title={
          pending?.kind === 'prune'
            ? 'Prune idle sandboxes?'
            : pending?.kind === 'recreate'
              ? 'Recreate this sandbox?'
              : 'Remove this sandbox?'
        }
        body={
          pending?.kind === 'prune'
            ? `Sandboxes idle for more than ${pending.hours} hour${pending.hours === 1 ? '' : 's'} are removed. Files in the agent workspace stay; anything installed inside a container is lost.`
            : pending?.kind === 'recreate'
              ? `${pending.name} is removed now and created afresh, with the current config, by the next agent run that needs it.`
              : pending
                ? `${pending.name} is removed. Files in the agent workspace stay; anything installed inside the container is lost.`
                : undefined
        }
        confirmLabel={
          pending?.kind === 'prune' ? 'Prune' : pending?.kind === 'recreate' ? 'Recreate' : 'Remove'
        }
        tone="danger"
        busy={busy}
        onConfirm={run}
        onCancel={() => setPending(undefined)}
      />
      <SandboxLogsDialog name={logsOf} onClose={() => setLogsOf(undefined)} />
    </Page>
  );
}
