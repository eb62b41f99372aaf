/** The end of the first run: the gateway is up; next stop the Control UI. */
import { useState } from 'react';
import { useHost } from '../../host/host-context.js';
import { errorText } from '../../host/host-error.js';
import { navigate } from '../../shell/router.js';
import { Button, Callout, EmptyState } from '../../ui/index.js';

export function DoneStep() {
  const { kind, api } = useHost();
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    // In the desktop window the Control UI pages need the gateway address and token from the
    // host; asking first surfaces a problem here rather than on an empty page.
    if (kind === 'electron' && api) {
      setOpening(true);
      setError(null);
      try {
        await api.call('controlUi.url', {});
      } catch (err) {
        setError(errorText(err));
        setOpening(false);
        return;
      }
      setOpening(false);
    }
    navigate('/control');
  };
  return (
    <div className="setup-step">
      <EmptyState
        tone="success"
        icon="success"
        title="Your gateway is running"
        description="Open the Control UI to chat, see sessions and manage devices. The Dashboard shows its status at any time."
        action={
          <div className="done-actions">
            <Button onClick={() => navigate('/')}>Go to the Dashboard</Button>
            <Button variant="primary" icon="external" loading={opening} onClick={() => void open()}>
              Open Control UI
            </Button>
          </div>
        }
      />
      {error ? (
        <Callout tone="danger" title="The Control UI address is not available yet">
          {error}
        </Callout>
      ) : null}
    </div>
  );
}
