/**
 * Above the conversation: its title, the model picker (`models.list`; a choice is saved with
 * `sessions.patch`), the session's token usage, and Reset / Delete behind a confirmation.
 */
import { useState } from 'react';
import { Button, ConfirmDialog, Select, type SelectOption } from '../../ui/index.js';
import { formatNumber } from '../format.js';
import type { GatewayQuery } from '../connection/hooks.js';
import type { ChatSessionList, ChatSessionRow, ModelOption } from './chat-sessions.js';

export interface ChatHeaderProps {
  title: string;
  row: ChatSessionRow | undefined;
  list: ChatSessionList | undefined;
  models: GatewayQuery<ModelOption[]>;
  /** An answer is running or the gateway is away: no model change, reset or delete now. */
  busy: boolean;
  canDelete: boolean;
  onModel: (ref: string | null) => Promise<void>;
  onReset: () => Promise<void>;
  onDelete: () => Promise<void>;
}

function compactTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

function modelOptions(
  models: ModelOption[],
  current: string | undefined,
  fallback: string | undefined,
) {
  const options: SelectOption[] = [
    { value: '', label: fallback ? `Default (${fallback})` : 'Default model' },
  ];
  for (const m of models) {
    options.push({
      value: m.ref,
      label: `${m.name} · ${m.provider}${m.available ? '' : ' (no key)'}`,
      disabled: !m.available,
    });
  }
  if (current && !models.some((m) => m.ref === current))
    options.push({ value: current, label: current });
  return options;
}

export function ChatHeader({
  title,
  row,
  list,
  models,
  busy,
  canDelete,
  onModel,
  onReset,
  onDelete,
}: ChatHeaderProps) {
  const [confirm, setConfirm] = useState<'reset' | 'delete' | null>(null);
  const [working, setWorking] = useState(false);
  const [saving, setSaving] = useState(false);
  const current = row?.modelRef;
  const contextWindow =
    models.data?.find((m) => m.ref === (current ?? list?.defaultModelRef))?.contextWindow ??
    list?.defaultContextTokens;
  const total = row?.totalTokens;
  const used = row?.contextTokens ?? total;
  const share =
    used !== undefined && contextWindow ? Math.min(100, (used / contextWindow) * 100) : undefined;

  const act = async (what: 'reset' | 'delete') => {
    setWorking(true);
    try {
      await (what === 'reset' ? onReset() : onDelete());
    } finally {
      setWorking(false);
      setConfirm(null);
    }
  };

  return (
    <header className="chat-head">
      <div className="chat-head__title">
        <h2 className="chat-head__h1" title={title}>
          {title}
        </h2>
        {total !== undefined && total > 0 ? (
          <p
            className="chat-head__usage"
            title={`${formatNumber(row?.inputTokens)} input · ${formatNumber(row?.outputTokens)} output tokens`}
          >
            {compactTokens(total)} tokens
            {share !== undefined && contextWindow ? (
              <>
                {' '}
                · {share < 1 ? '<1' : Math.round(share)}% of {compactTokens(contextWindow)} context
                <span className="chat-head__meter" aria-hidden="true">
                  <span style={{ width: `${Math.max(share, 2)}%` }} />
                </span>
              </>
            ) : null}
          </p>
        ) : (
          <p className="chat-head__usage">No tokens used yet</p>
        )}
      </div>
      <div className="chat-head__actions">
        <label className="sr-only" htmlFor="chat-model">
          Model
        </label>
        <Select
          id="chat-model"
          className="chat-head__model"
          value={current ?? ''}
          disabled={saving || busy || (models.data === undefined && !models.error)}
          options={modelOptions(models.data ?? [], current, list?.defaultModelRef)}
          title={
            models.error
              ? `Could not list the models: ${models.error}`
              : 'Model for this conversation'
          }
          onChange={(e) => {
            const value = e.currentTarget.value;
            setSaving(true);
            void onModel(value === '' ? null : value).finally(() => setSaving(false));
          }}
        />
        <Button icon="restart" onClick={() => setConfirm('reset')} disabled={busy}>
          Reset
        </Button>
        <Button
          icon="trash"
          iconOnly
          label={
            canDelete
              ? 'Delete conversation'
              : 'The main conversation cannot be deleted (reset it instead)'
          }
          variant="ghost"
          onClick={() => setConfirm('delete')}
          disabled={busy || !canDelete}
        />
      </div>
      <ConfirmDialog
        open={confirm === 'reset'}
        title="Reset this conversation?"
        body="The agent starts over with an empty conversation under the same name and settings. The gateway keeps the old transcript on disk."
        confirmLabel="Reset"
        busy={working}
        onConfirm={() => void act('reset')}
        onCancel={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete “${title}”?`}
        body="It disappears from the list and cannot be continued. The gateway keeps an archived copy of the transcript."
        confirmLabel="Delete"
        tone="danger"
        busy={working}
        onConfirm={() => void act('delete')}
        onCancel={() => setConfirm(null)}
      />
    </header>
  );
}
