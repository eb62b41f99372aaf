/**
 * Extra bind mounts: rows of host folder → container path with a read-only switch, validated once
 * a field was left or typed in (a new empty row is not an error yet). New rows start read-only:
 * the safer default for a folder handed to an agent.
 */
import type { ExtraMount } from '../../../../electron/contract/host-api.js';
import { Badge, Button, Callout, EmptyState, Field, TextInput, Toggle } from '../../ui/index.js';
import type { DraftStore } from './stack-draft.js';
import { useDraft, useDraftProblems, useTouched } from './use-draft.js';
import { MAX_EXTRA_MOUNTS } from './validation.js';

const sameMount = (a: ExtraMount, b: ExtraMount) =>
  a.source.trim() === b.source && a.target.trim() === b.target && a.readOnly === b.readOnly;

export function MountsEditor({
  store,
  hostError,
  applied,
}: {
  store: DraftStore;
  hostError?: string;
  /** The mounts the container has now (Settings): other rows are marked "not applied". */
  applied?: readonly ExtraMount[];
}) {
  const mounts = useDraft(store, (s) => s.draft.mounts);
  const showAll = useDraft(store, (s) => s.showAll);
  const { addMount, updateMount, removeMount } = store.getState();
  const problems = useDraftProblems(store);
  const { touched, touch } = useTouched();
  return (
    <div className="stack-form">
      {hostError ? (
        <Callout tone="danger" title="The app refused a mount">
          {hostError}
        </Callout>
      ) : null}
      {mounts.length === 0 ? (
        <div className="stack-empty">
          <EmptyState
            compact
            icon="mount"
            title="No extra folders"
            description="The gateway sees only its config and workspace folders. Add a folder to share more of this computer with it."
            action={
              <Button icon="plus" onClick={addMount}>
                Add a folder
              </Button>
            }
          />
        </div>
      ) : (
        <ol className="mount-list" aria-label="Extra folders">
          {mounts.map((m, i) => {
            const p = problems.mounts[i] ?? {};
            const shown = (field: 'source' | 'target') =>
              touched(`${m.key}.${field}`) || (showAll && !m.pristine?.includes(field));
            return (
              <li key={m.key} className="mount-row">
                <span className="mount-row__index" aria-hidden="true">
                  {i + 1}
                </span>
                <div className="mount-row__fields">
                  <Field
                    label={
                      <>
                        Host folder<span className="sr-only"> (mount {i + 1})</span>
                      </>
                    }
                    error={shown('source') ? p.source : undefined}
                  >
                    <TextInput
                      mono
                      value={m.source}
                      placeholder="/home/me/projects"
                      onChange={(e) => updateMount(m.key, { source: e.currentTarget.value })}
                      onBlur={() => touch(`${m.key}.source`)}
                    />
                  </Field>
                  <Field
                    label={
                      <>
                        Container path<span className="sr-only"> (mount {i + 1})</span>
                      </>
                    }
                    error={shown('target') ? p.target : undefined}
                  >
                    <TextInput
                      mono
                      value={m.target}
                      placeholder="/home/node/projects"
                      onChange={(e) => updateMount(m.key, { target: e.currentTarget.value })}
                      onBlur={() => touch(`${m.key}.target`)}
                    />
                  </Field>
                </div>
                <div className="mount-row__side">
                  {applied && !applied.some((a) => sameMount(m, a)) ? (
                    <Badge tone="warning" title="The container does not have this folder yet">
                      not applied
                    </Badge>
                  ) : null}
                  <Toggle
                    checked={m.readOnly}
                    onChange={(readOnly) => updateMount(m.key, { readOnly })}
                    label={
                      <span className="mount-row__ro">
                        Read-only<span className="sr-only"> (mount {i + 1})</span>
                      </span>
                    }
                  />
                  <Button
                    variant="ghost"
                    size="sm"
                    icon="trash"
                    iconOnly
                    label={`Remove mount ${i + 1}`}
                    onClick={() => removeMount(m.key)}
                  />
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {mounts.length > 0 ? (
        <div>
          <Button icon="plus" onClick={addMount} disabled={mounts.length >= MAX_EXTRA_MOUNTS}>
            Add another folder
          </Button>
        </div>
      ) : null}
      <Callout tone="info" title="Before you add a folder">
        <ul className="stack-bullets">
          <li>
            Docker Desktop shares only some folders by default (on macOS /Users, /Volumes, /private
            and /tmp). Add others under Settings → Resources → File sharing.
          </li>
          <li>
            The container runs as user 1000 (node). A read-write folder must be writable by that
            user, or the agent gets “permission denied”.
          </li>
        </ul>
      </Callout>
    </div>
  );
}
