/**
 * The wizard's Sandbox step, after Model: off unless the user turns it on. "Build and turn on"
 * builds the chosen sandbox image with live progress and applies it through the same switch as
 * Settings → Sandbox (same form); Off, or Skip, goes on without one.
 */
import { useState } from 'react';
import { Button } from '../../ui/index.js';
import { SandboxForm } from '../sandboxes/sandbox-form.js';

export function SandboxStep({ onDone }: { onDone: () => void }) {
  const [applied, setApplied] = useState(false);
  return (
    <div className="setup-step">
      <div className="setup-step__intro">
        <h2 className="setup-step__title">Sandbox agent tools (optional)</h2>
        <p className="setup-step__lead">
          Off by default. When on, the agent’s commands and file edits run in locked-down containers
          instead of the gateway; it costs a sandbox image build (a minute or two) and gives the
          Docker socket to a small sandboxd service — never to the gateway.
        </p>
      </div>
      <SandboxForm
        variant="wizard"
        onApplied={() => setApplied(true)}
        footerStart={({ busy, dirty }) =>
          dirty && !applied ? (
            <Button variant="ghost" disabled={busy} onClick={onDone}>
              Skip for now
            </Button>
          ) : null
        }
        footerEnd={({ view }) => (
          <Button variant="primary" icon="chevron-right" iconEnd onClick={onDone}>
            {applied || (view.enabled && view.mode !== 'off')
              ? 'Continue'
              : 'Continue without a sandbox'}
          </Button>
        )}
      />
    </div>
  );
}
