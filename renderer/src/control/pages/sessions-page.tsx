/**
 * Sessions: the conversations the agents keep (`sessions.list`), newest first, with a search.
 * Read again on every gateway tick, so a new conversation shows up without a reload.
 */
import { useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Icon,
  Page,
  PageHeader,
  Table,
  TextInput,
} from '../../ui/index.js';
import { ControlPage } from '../components/control-page.js';
import { useNow } from '../components/use-now.js';
import { formatNumber, formatRelative } from '../format.js';
import { useGatewayQuery } from '../connection/hooks.js';
import { parseSessionList, type SessionRow } from '../connection/payloads.js';

const KIND_LABEL: Record<string, string> = {
  direct: 'Direct',
  group: 'Group',
  global: 'Shared',
  unknown: 'Other',
};

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function SessionsContent() {
  const now = useNow(10_000);
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 250);
  const params = term ? { limit: 200, search: term } : { limit: 200 };
  const list = useGatewayQuery(`sessions.list:${term}`, 'sessions.list', params, {
    parse: parseSessionList,
    refetchOn: ['tick', 'sessions.changed'],
  });
  const rows = list.data?.sessions ?? [];
  const firstLoad = list.data === undefined && list.error === null;

  return (
    <Page>
      <PageHeader
        eyebrow="Control UI"
        title="Sessions"
        description="Conversations the agents keep, from every channel. The newest are at the top."
        actions={
          <Button
            icon="refresh"
            onClick={() => void list.refetch()}
            loading={list.loading && !firstLoad}
          >
            Refresh
          </Button>
        }
      />
      <div className="cui-toolbar">
        <Field label="Search sessions" labelHidden className="cui-toolbar__grow">
          <TextInput
            type="search"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            placeholder="Search by name or key"
            leading={<Icon name="search" size={16} />}
          />
        </Field>
        {list.data ? (
          <span className="cui-updated" aria-live="polite">
            {list.data.count === 1 ? '1 session' : `${formatNumber(list.data.count)} sessions`}
          </span>
        ) : null}
      </div>
      {list.error && !list.data ? (
        <ErrorState
          title="Could not load the sessions"
          message={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : (
        <Card flush>
          <Table<SessionRow>
            caption="Sessions"
            rows={rows}
            rowKey={(r) => `${r.agentId ?? ''}:${r.key}`}
            loading={firstLoad}
            skeletonRows={4}
            empty={
              term ? (
                <EmptyState
                  compact
                  icon="search"
                  title={`No session matches “${term}”`}
                  action={
                    <Button size="sm" onClick={() => setSearch('')}>
                      Clear search
                    </Button>
                  }
                />
              ) : (
                <EmptyState
                  icon="sessions"
                  title="No sessions yet"
                  description="A session starts when someone talks to an agent — through a channel, the command line or the Chat page."
                />
              )
            }
            columns={[
              {
                key: 'session',
                header: 'Session',
                width: '38%',
                render: (r) => (
                  <span className="cui-cell-main">
                    <span className="cui-cell-main__title">
                      {r.label ?? r.displayName ?? r.key}
                    </span>
                    {r.label || r.displayName ? (
                      <span className="cui-cell-main__sub">{r.key}</span>
                    ) : null}
                  </span>
                ),
              },
              {
                key: 'kind',
                header: 'Kind',
                render: (r) => (
                  <Badge tone={r.kind === 'group' ? 'info' : 'neutral'}>
                    {KIND_LABEL[r.kind] ?? r.kind}
                  </Badge>
                ),
              },
              { key: 'agent', header: 'Agent', render: (r) => r.agentId ?? '—' },
              { key: 'channel', header: 'Channel', render: (r) => r.channel ?? '—' },
              {
                key: 'model',
                header: 'Model',
                render: (r) => (r.model ? <span className="ui-mono">{r.model}</span> : '—'),
              },
              {
                key: 'tokens',
                header: 'Tokens',
                align: 'end',
                render: (r) => formatNumber(r.totalTokens),
              },
              {
                key: 'updated',
                header: 'Last activity',
                align: 'end',
                render: (r) => formatRelative(r.updatedAt, now),
              },
            ]}
          />
        </Card>
      )}
    </Page>
  );
}

export function SessionsPage() {
  return (
    <ControlPage>
      <SessionsContent />
    </ControlPage>
  );
}
