/** The gateway's port on this computer; LAN exposure is shown but not offered yet. */
import { Badge, Callout, Field, TextInput, Toggle } from '../../ui/index.js';
import type { DraftStore } from './stack-draft.js';
import { useDraft, useDraftProblems, useTouched } from './use-draft.js';

export function PortEditor({ store, hostError }: { store: DraftStore; hostError?: string }) {
  const port = useDraft(store, (s) => s.draft.port);
  const showAll = useDraft(store, (s) => s.showAll);
  const update = useDraft(store, (s) => s.update);
  const problems = useDraftProblems(store);
  const { touched, touch } = useTouched();
  const shown = problems.port ? '<port>' : port.trim();
  return (
    <div className="stack-form">
      {hostError ? (
        <Callout tone="danger" title="The app refused the port">
          {hostError}
        </Callout>
      ) : null}
      <Field
        label="Gateway port"
        hint={
          <>
            The Control UI and your apps connect to{' '}
            <code className="ui-code-inline">http://127.0.0.1:{shown}</code>. The default is 18789.
          </>
        }
        error={showAll || touched('port') ? problems.port : undefined}
      >
        <TextInput
          mono
          inputMode="numeric"
          className="port-input"
          value={port}
          onChange={(e) => update({ port: e.currentTarget.value })}
          onBlur={() => touch('port')}
        />
      </Field>
      <Toggle
        checked={false}
        disabled
        onChange={() => {}}
        label="Reachable from other devices on this network"
        adornment={<Badge tone="info">Coming soon</Badge>}
        description="For now the gateway listens on this computer only (127.0.0.1)."
      />
      <Callout tone="warning" title="About network exposure">
        Opening the gateway to your network lets any device there try to connect. Each still needs
        the token and your approval, but keep it off unless you need it.
      </Callout>
    </div>
  );
}
