/** Whether /home/node survives rebuilds, and where it lives. */
import { Callout, Field, RadioCards, TextInput } from '../../ui/index.js';
import { dockerVolumeName, type DraftStore, type HomeKind } from './stack-draft.js';
import { useDraft, useDraftProblems, useTouched } from './use-draft.js';

export function HomeVolumeEditor({ store, hostError }: { store: DraftStore; hostError?: string }) {
  const kind = useDraft(store, (s) => s.draft.homeKind);
  const name = useDraft(store, (s) => s.draft.homeName);
  const source = useDraft(store, (s) => s.draft.homeSource);
  const showAll = useDraft(store, (s) => s.showAll);
  const update = useDraft(store, (s) => s.update);
  const problems = useDraftProblems(store);
  const { touched, touch } = useTouched();
  return (
    <div className="stack-form">
      {hostError ? (
        <Callout tone="danger" title="The app refused the home volume">
          {hostError}
        </Callout>
      ) : null}
      <RadioCards<HomeKind>
        legend="Keep the container's home folder"
        value={kind}
        onChange={(homeKind) => update({ homeKind })}
        options={[
          {
            value: 'off',
            title: 'Off',
            icon: 'close',
            description: 'Start fresh on every rebuild. Nothing under /home/node is kept.',
          },
          {
            value: 'volume',
            title: 'Docker volume',
            icon: 'disk',
            description: 'A named volume managed by Docker. Simple, fast, survives rebuilds.',
          },
          {
            value: 'bind',
            title: 'Folder on this computer',
            icon: 'folder',
            description: 'A folder you can browse and back up yourself.',
          },
        ]}
      />
      {kind === 'volume' ? (
        <Field
          label="Volume name"
          hint={
            <>
              Created on first start if it does not exist. Docker names it{' '}
              <code className="ui-code-inline">{dockerVolumeName(name.trim() || '<name>')}</code>{' '}
              (the compose project, then this name): look for that in{' '}
              <code className="ui-code-inline">docker volume ls</code>.
            </>
          }
          error={showAll || touched('name') ? problems.home : undefined}
        >
          <TextInput
            mono
            value={name}
            onChange={(e) => update({ homeName: e.currentTarget.value })}
            onBlur={() => touch('name')}
          />
        </Field>
      ) : null}
      {kind === 'bind' ? (
        <Field
          label="Home folder"
          hint="Not the config or workspace folder."
          error={showAll || touched('source') ? problems.home : undefined}
        >
          <TextInput
            mono
            value={source}
            placeholder="/home/me/openclaw-home"
            onChange={(e) => update({ homeSource: e.currentTarget.value })}
            onBlur={() => touch('source')}
          />
        </Field>
      ) : null}
      <div className="home-explain">
        <div>
          <h3 className="home-explain__title">What it keeps</h3>
          <p>
            Everything in /home/node: tool caches (npm, pip), shell history, and tools the agent
            installed itself (npm -g, pip --user, ~/.local/bin).
          </p>
        </div>
        <div>
          <h3 className="home-explain__title">What “reset” deletes</h3>
          <p>
            Resetting the home volume removes exactly that: caches, history and self-installed
            tools. Your config folder, workspace and paired devices are separate and stay.
          </p>
        </div>
      </div>
    </div>
  );
}
