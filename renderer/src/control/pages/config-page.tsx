/**
 * Configuration: the gateway's `openclaw.json` as `config.get` returns it (secrets redacted), a
 * read-only view and an editor of the raw JSON5. Saving sends `config.set` with the `baseHash` of
 * what was loaded, so an edit made elsewhere in the meantime is never overwritten: the page says
 * "changed elsewhere — reload" instead. The gateway's validation problems are listed with their
 * paths. Redacted secrets can stay as they are: the gateway keeps the real values.
 */
import { useEffect, useRef, useState } from 'react';
import {
  Badge,
  Button,
  Callout,
  Card,
  CopyButton,
  ErrorState,
  Field,
  Page,
  PageHeader,
  SegmentedControl,
  Skeleton,
  TextArea,
  toast,
} from '../../ui/index.js';
import { ControlPage } from '../components/control-page.js';
import { JsonView, REDACTED } from '../components/json-view.js';
import { gatewayRequest } from '../connection/control-store.js';
import { isRecord } from '../connection/hello.js';
import { useGatewayQuery } from '../connection/hooks.js';
import {
  parseConfigView,
  parseIssues,
  type ConfigIssue,
  type ConfigView,
} from '../connection/payloads.js';
import { errorText } from '../connection/queries-slice.js';

type SaveProblem =
  | { kind: 'invalid'; message: string; issues: ConfigIssue[] }
  | { kind: 'conflict' }
  | { kind: 'failed'; message: string };

function toSaveProblem(err: unknown): SaveProblem {
  const details =
    isRecord(err) && isRecord((err as { details?: unknown }).details)
      ? (err as { details: Record<string, unknown> }).details
      : {};
  if (details.code === 'CONFIG_CONFLICT') return { kind: 'conflict' };
  if (details.code === 'CONFIG_INVALID')
    return { kind: 'invalid', message: errorText(err), issues: parseIssues(details.issues) };
  return { kind: 'failed', message: errorText(err) };
}

function IssueList({ issues }: { issues: ConfigIssue[] }) {
  return (
    <ul className="cui-issues">
      {issues.map((issue, i) => (
        <li key={`${issue.path}:${i}`}>
          <code>{issue.path || '(whole file)'}</code>
          <span>{issue.message}</span>
        </li>
      ))}
    </ul>
  );
}

function Editor({
  view,
  onSaved,
  onReload,
}: {
  view: ConfigView;
  onSaved: () => void;
  onReload: () => void;
}) {
  const initial = view.raw ?? '{\n}\n';
  const [text, setText] = useState(initial);
  // What the edit started from: its text (for "unsaved changes") and hash (the save's baseHash).
  const [loaded, setLoaded] = useState({ raw: initial, hash: view.hash });
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const syncNext = useRef(false);
  const dirty = text !== loaded.raw;
  const changedUnderneath = view.hash !== loaded.hash && !syncNext.current;

  const adopt = (next: ConfigView) => {
    const fresh = next.raw ?? '{\n}\n';
    setText(fresh);
    setLoaded({ raw: fresh, hash: next.hash });
    setProblem(null);
  };

  // A new file from the gateway: take it over unless the person is mid-edit (then the save's
  // baseHash still names the old file and the gateway answers "changed elsewhere").
  useEffect(() => {
    if (syncNext.current || text === loaded.raw) {
      syncNext.current = false;
      adopt(view);
    }
    // Only when the loaded file changes; text and loaded are read as they are then.
  }, [view.hash, view.raw]);

  // "Reload" discards the edit: take the newest file we know now (it may have arrived while the
  // person was typing) and whatever the refetch brings.
  const reload = () => {
    adopt(view);
    syncNext.current = true;
    onReload();
  };

  const save = async () => {
    setSaving(true);
    setProblem(null);
    try {
      const saved = await gatewayRequest('config.set', {
        raw: text,
        ...(loaded.hash ? { baseHash: loaded.hash } : {}),
      });
      toast({
        title: 'Configuration saved',
        body: 'The gateway applied it right away.',
        tone: 'success',
      });
      // The answer is the new file (redacted) and its hash: edit on from exactly that.
      adopt(parseConfigView(saved));
      onSaved();
    } catch (err) {
      setProblem(toSaveProblem(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="cui-editor-stack">
      {problem?.kind === 'conflict' ? (
        <Callout
          tone="warning"
          title="The configuration was changed elsewhere"
          actions={
            <>
              <CopyButton text={text} label="Copy my edits" variant="secondary" />
              <Button size="sm" variant="primary" icon="refresh" onClick={reload}>
                Reload
              </Button>
            </>
          }
        >
          Someone (or another tool) saved it after you opened it. Reload to see the current file —
          copy your edits first if you want to keep them. Nothing was saved.
        </Callout>
      ) : null}
      {changedUnderneath && dirty && problem?.kind !== 'conflict' ? (
        <Callout tone="warning" title="The file changed elsewhere while you were editing">
          Saving now would be refused. Copy your edits, then reload.
        </Callout>
      ) : null}
      {problem?.kind === 'invalid' ? (
        <Callout
          tone="danger"
          title={
            problem.issues.length > 0
              ? `Not saved: ${problem.issues.length} problem${problem.issues.length === 1 ? '' : 's'}`
              : 'Not saved'
          }
        >
          {problem.issues.length > 0 ? <IssueList issues={problem.issues} /> : problem.message}
        </Callout>
      ) : null}
      {problem?.kind === 'failed' ? (
        <Callout tone="danger" title="Not saved">
          {problem.message}
        </Callout>
      ) : null}
      <Field
        label="openclaw.json (JSON5)"
        labelHidden
        hint={`Secrets show as ${REDACTED}; leave them as they are to keep the current values.`}
      >
        <TextArea
          className="cui-editor"
          mono
          value={text}
          onChange={(e) => {
            syncNext.current = false; // typing again: never overwrite it with a later file
            setText(e.currentTarget.value);
            if (problem?.kind !== 'conflict') setProblem(null);
          }}
          rows={24}
          aria-label="Configuration file (JSON5)"
        />
      </Field>
      <div className="cui-editor-actions">
        <span className="cui-spacer ui-muted ui-text-sm">
          {dirty ? 'Unsaved changes' : 'No changes'}
        </span>
        <Button
          variant="ghost"
          disabled={!dirty || saving}
          onClick={() => {
            setText(loaded.raw);
            setProblem(null);
          }}
        >
          Discard changes
        </Button>
        <Button
          variant="primary"
          onClick={() => void save()}
          loading={saving}
          disabled={!dirty || problem?.kind === 'conflict'}
        >
          Save
        </Button>
      </div>
    </div>
  );
}

function ConfigContent() {
  const query = useGatewayQuery(
    'config.get',
    'config.get',
    {},
    { parse: parseConfigView, refetchOn: ['config.changed'] },
  );
  const [mode, setMode] = useState<'view' | 'edit'>('view');
  const view = query.data;

  return (
    <Page>
      <PageHeader
        eyebrow="Control UI"
        title="Configuration"
        description={
          view?.path ? (
            <span>
              The gateway's settings file, <code className="ui-code-inline">{view.path}</code>.
            </span>
          ) : (
            "The gateway's settings file."
          )
        }
        actions={
          <>
            {view ? (
              view.valid ? (
                <Badge tone="success" icon="success">
                  Valid
                </Badge>
              ) : (
                <Badge
                  tone="danger"
                  icon="error"
                >{`${view.issues.length} problem${view.issues.length === 1 ? '' : 's'}`}</Badge>
              )
            ) : null}
            <SegmentedControl
              label="Show the configuration as"
              value={mode}
              onChange={setMode}
              options={[
                { value: 'view', label: 'View' },
                { value: 'edit', label: 'Edit' },
              ]}
            />
          </>
        }
      />
      {query.error && !view ? (
        <ErrorState
          title="Could not load the configuration"
          message={query.error}
          nextStep="Reading the configuration needs admin access for this browser."
          onRetry={() => void query.refetch()}
        />
      ) : null}
      {view && !view.valid && view.issues.length > 0 ? (
        <Callout
          tone="danger"
          title="The file on disk has problems; the gateway keeps running with the last good configuration"
        >
          <IssueList issues={view.issues} />
        </Callout>
      ) : null}
      {view && !view.exists ? (
        <Callout tone="info" title="No configuration file yet">
          The gateway runs on its defaults. Saving here creates the file.
        </Callout>
      ) : null}
      {!view ? (
        <Card>
          <Skeleton lines={8} />
        </Card>
      ) : (
        <>
          {mode === 'view' ? (
            <JsonView value={view.config ?? {}} label="Configuration (read-only)" />
          ) : null}
          {/* Kept mounted while viewing, so switching back does not lose an edit. */}
          <div hidden={mode !== 'edit'}>
            <Card>
              <Editor
                view={view}
                onSaved={() => void query.refetch()}
                onReload={() => void query.refetch()}
              />
            </Card>
          </div>
        </>
      )}
    </Page>
  );
}

export function ConfigPage() {
  return (
    <ControlPage>
      <ConfigContent />
    </ControlPage>
  );
}
