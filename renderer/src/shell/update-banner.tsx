/**
 * The app update in the window (Electron only): download progress, "Restart to update", or the
 * link and command for a .deb the app cannot install itself. State comes from `update.get` and
 * the host's `update` events.
 */
import { useEffect, useState } from 'react';
import type { UpdateView } from '../../../electron/contract/host-api.js';
import { useHost } from '../host/host-context.js';
import { Button, Callout, CodeBlock } from '../ui/index.js';
import { updateBannerOf } from './update-banner-model.js';

export function UpdateBanner() {
  const { api, kind } = useHost();
  const [view, setView] = useState<UpdateView | null>(null);
  const [restarting, setRestarting] = useState(false);

  useEffect(() => {
    if (!api || kind !== 'electron') return;
    let live = true;
    api.call('update.get', {}).then(
      (v) => live && setView(v),
      () => {},
    );
    const off = api.on('update', (v) => setView(v));
    return () => {
      live = false;
      off();
    };
  }, [api, kind]);

  const model = updateBannerOf(view);
  if (!model || !api) return null;
  const restart = () => {
    setRestarting(true);
    api.call('update.install', {}).then(
      (r) => setRestarting(r.restarting),
      () => setRestarting(false),
    );
  };
  return (
    <div className="shell-banner">
      <Callout
        tone={model.tone}
        title={model.title}
        actions={
          model.canRestart ? (
            <Button size="sm" variant="primary" loading={restarting} onClick={restart}>
              Restart to update
            </Button>
          ) : null
        }
      >
        <p>{model.body}</p>
        {model.link ? (
          <p>
            <a href={model.link} target="_blank" rel="noreferrer">
              {model.link}
            </a>
          </p>
        ) : null}
        {model.command ? <CodeBlock code={model.command} label="Command" prompt /> : null}
      </Callout>
    </div>
  );
}
