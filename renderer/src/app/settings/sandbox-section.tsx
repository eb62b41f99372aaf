/**
 * Settings → Sandbox: the same form as the wizard's Sandbox step (sandboxes/sandbox-form.tsx) —
 * turn the agent sandbox on or off, change its image (built with live progress), or save a new
 * policy — with a confirmation before anything that restarts the gateway.
 */
import { navigate } from '../../shell/router.js';
import { Button, Card } from '../../ui/index.js';
import { SandboxForm } from '../sandboxes/sandbox-form.js';

export function SandboxSection() {
  return (
    <section className="settings-group" aria-labelledby="settings-sandbox-heading">
      <div className="settings-group__head">
        <h2 id="settings-sandbox-heading" className="settings-group__title">
          Sandbox
        </h2>
        <p className="ui-muted">
          Run agent tools in locked-down containers instead of the gateway itself. Only the small
          sandboxd service gets the Docker socket; the gateway never does.
        </p>
      </div>
      <Card>
        <SandboxForm
          variant="settings"
          footerStart={({ view }) =>
            view.enabled ? (
              <Button variant="ghost" onClick={() => navigate('/sandboxes')}>
                See containers
              </Button>
            ) : null
          }
        />
      </Card>
    </section>
  );
}
