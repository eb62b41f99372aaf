/** Config and workspace folders (path fields: there is no host call for a native folder picker). */
import { Field, TextInput } from '../../ui/index.js';
import type { DraftStore } from './stack-draft.js';
import { useDraft, useDraftProblems, useTouched } from './use-draft.js';

export function FoldersEditor({ store }: { store: DraftStore }) {
  const configDir = useDraft(store, (s) => s.draft.configDir);
  const workspaceDir = useDraft(store, (s) => s.draft.workspaceDir);
  const showAll = useDraft(store, (s) => s.showAll);
  const update = useDraft(store, (s) => s.update);
  const problems = useDraftProblems(store);
  const { touched, touch } = useTouched();
  return (
    <div className="stack-form">
      <Field
        label="Config folder"
        hint="Holds openclaw.json, paired devices and sessions. The container sees it as /home/node/.openclaw."
        error={showAll || touched('configDir') ? problems.configDir : undefined}
      >
        <TextInput
          mono
          value={configDir}
          placeholder="/home/me/.openclaw"
          onChange={(e) => update({ configDir: e.currentTarget.value })}
          onBlur={() => touch('configDir')}
        />
      </Field>
      <Field
        label="Workspace folder"
        hint="The files the agent reads and writes. The container sees it as /home/node/.openclaw/workspace."
        error={showAll || touched('workspaceDir') ? problems.workspaceDir : undefined}
      >
        <TextInput
          mono
          value={workspaceDir}
          placeholder="/home/me/.openclaw/workspace"
          onChange={(e) => update({ workspaceDir: e.currentTarget.value })}
          onBlur={() => touch('workspaceDir')}
        />
      </Field>
      <p className="stack-note">
        Type or paste full paths. Folders that do not exist yet are created.
      </p>
    </div>
  );
}
