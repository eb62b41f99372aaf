/**
 * The gateway's port, and whether other devices on the network may reach it. Turning that on asks
 * first and says what it means; while on, the addresses other devices use are listed.
 */
import { useState } from 'react';
import { useReachability } from '../../host/use-stack-hints.js';
import { Callout, ConfirmDialog, Field, TextInput, Toggle } from '../../ui/index.js';
import type { DraftStore } from './stack-draft.js';
import { useDraft, useDraftProblems, useTouched } from './use-draft.js';

export const LAN_WARNING =
  'Other devices on this network (anyone on the same Wi-Fi, for example) can then reach the gateway. The gateway token is always required, and every new browser still needs your approval before it can do anything.';

export function PortEditor({ store, hostError }: { store: DraftStore; hostError?: string }) {
  const port = useDraft(store, (s) => s.draft.port);
  const exposeOnLan = useDraft(store, (s) => s.draft.exposeOnLan);
  const showAll = useDraft(store, (s) => s.showAll);
  const update = useDraft(store, (s) => s.update);
  const problems = useDraftProblems(store);
  const { touched, touch } = useTouched();
  const [confirming, setConfirming] = useState(false);
  const reachability = useReachability();
  const shown = problems.port ? '<port>' : port.trim();
  const lanAddresses = reachability?.lanAddresses ?? [];
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
            The Control UI and your apps on this computer connect to{' '}
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
        checked={exposeOnLan}
        onChange={(on) => (on ? setConfirming(true) : update({ exposeOnLan: false }))}
        label="Reachable from other devices on this network"
        description={
          exposeOnLan
            ? 'The port is published on all of this computer’s network addresses (0.0.0.0).'
            : 'Off: the gateway listens on this computer only (127.0.0.1).'
        }
      />
      {exposeOnLan ? (
        <Callout tone="warning" title="Open to your network">
          <p>{LAN_WARNING}</p>
          {lanAddresses.length > 0 ? (
            <>
              <p>Other devices open:</p>
              <ul className="stack-lan-urls" data-testid="lan-urls">
                {lanAddresses.map((ip) => (
                  <li key={ip}>
                    <code className="ui-code-inline">
                      http://{ip}:{shown}/
                    </code>
                  </li>
                ))}
              </ul>
              <p>
                Setup allows these addresses as Control UI origins. OpenClaw apps and the CLI
                connect to them directly; a browser on another device only allows the device sign-in
                over https://, so put HTTPS (a reverse proxy) in front for browsers.
              </p>
            </>
          ) : (
            <p>
              This computer has no network address right now besides 127.0.0.1; other devices can
              connect once it joins a network (then apply the settings again so the gateway allows
              the new address).
            </p>
          )}
        </Callout>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Make the gateway reachable from your network?"
        body={<p>{LAN_WARNING}</p>}
        confirmLabel="Open to the network"
        onConfirm={() => {
          update({ exposeOnLan: true });
          setConfirming(false);
        }}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
