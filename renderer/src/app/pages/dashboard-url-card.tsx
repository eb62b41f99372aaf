/**
 * The Control UI address with its token: masked until revealed, copyable, and openable — in a
 * browser tab from the headless host, in-app from the Electron window (whose hardened navigation
 * only hands https links to the system browser).
 */
import { useEffect, useState } from 'react';
import { navigate } from '../../shell/router.js';
import { Button, ButtonLink, Card, CopyButton, ErrorState, Skeleton } from '../../ui/index.js';
import { maskTokenUrl } from '../format.js';
import { useAppStore } from '../store/app-store-context.js';

export function DashboardUrlCard({ electron }: { electron: boolean }) {
  const controlUrl = useAppStore((s) => s.controlUrl);
  const refresh = useAppStore((s) => s.refreshControlUrl);
  const [revealed, setRevealed] = useState(false);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const url = controlUrl.data;
  return (
    <Card
      title="Control UI"
      description="Chat, sessions, devices and config — in this app or in any browser on this computer."
      actions={
        <Button variant="primary" icon="chevron-right" iconEnd onClick={() => navigate('/control')}>
          Open Control UI
        </Button>
      }
    >
      {controlUrl.error && !url ? (
        <ErrorState
          compact
          title="No address yet"
          message={controlUrl.error.message}
          onRetry={() => void refresh()}
          retrying={controlUrl.loading}
        />
      ) : !url ? (
        <Skeleton height={38} radius={8} />
      ) : (
        <div className="dash-url">
          <div className="dash-url__field">
            <span className="sr-only">Dashboard address{revealed ? '' : ' (token hidden)'}: </span>
            <code className="dash-url__value" aria-live="polite">
              {revealed ? url : maskTokenUrl(url)}
            </code>
          </div>
          <div className="dash-url__actions">
            <Button
              size="sm"
              variant="ghost"
              icon={revealed ? 'eye-off' : 'eye'}
              aria-pressed={revealed}
              onClick={() => setRevealed((r) => !r)}
            >
              {revealed ? 'Hide token' : 'Reveal'}
            </Button>
            <CopyButton text={url} label="Copy" variant="secondary" />
            {electron ? null : (
              <ButtonLink
                size="sm"
                icon="external"
                href={url}
                target="_blank"
                rel="noopener noreferrer"
              >
                Open in browser
              </ButtonLink>
            )}
          </div>
        </div>
      )}
      <p className="dash-url__hint">
        The address contains the gateway token: anyone with it can ask to pair. Share it only with
        your own devices.
      </p>
    </Card>
  );
}
