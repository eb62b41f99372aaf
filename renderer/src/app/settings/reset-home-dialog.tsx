/**
 * Resetting the home volume deletes data that exists nowhere else, so the dialog says exactly what
 * goes (everything under /home/node in the container, i.e. the named volume's content) and what
 * stays, and the button only works once the volume's name is typed.
 */
import { useEffect, useState } from 'react';
import { Button, Callout, Dialog, Field, TextInput } from '../../ui/index.js';
import { useAppStore } from '../store/app-store-context.js';

export function ResetHomeDialog({
  volume,
  open,
  onClose,
}: {
  volume: string;
  open: boolean;
  onClose: () => void;
}) {
  const resetHome = useAppStore((s) => s.resetHome);
  const operation = useAppStore((s) => s.operation);
  const [typed, setTyped] = useState('');
  const [state, setState] = useState<'confirm' | 'running' | 'done' | 'failed'>('confirm');
  useEffect(() => {
    if (open) {
      setTyped('');
      setState('confirm');
    }
  }, [open]);
  const running = state === 'running';
  const confirmed = typed.trim() === volume;
  const reset = () => {
    if (!confirmed) return;
    setState('running');
    void resetHome(volume).then((ok) => setState(ok ? 'done' : 'failed'));
  };
  const close = () => {
    if (!running) onClose();
  };

  let body;
  let footer;
  if (state === 'done') {
    body = (
      <Callout tone="success" title="The home volume is empty again">
        /home/node starts over from the image’s defaults. Your config folder, workspace and paired
        devices were not touched.
      </Callout>
    );
    footer = (
      <Button variant="primary" onClick={close}>
        Done
      </Button>
    );
  } else {
    body = (
      <div className="reset-home">
        <p>
          This deletes everything in the Docker volume{' '}
          <code className="ui-code-inline">{volume}</code>, which the container sees as{' '}
          <code className="ui-code-inline">/home/node</code>:
        </p>
        <ul className="stack-bullets">
          <li>tool caches (npm, pip) and shell history,</li>
          <li>tools the agent installed itself (npm -g, pip --user, ~/.local/bin),</li>
          <li>any other file written under /home/node outside the config and workspace folders.</li>
        </ul>
        <p>
          Your config folder (openclaw.json, paired devices, sessions) and the workspace are folders
          on this computer, not in the volume: they stay. The gateway stops, the volume is removed
          and created again empty, and a running gateway starts again.
        </p>
        {state === 'failed' && operation?.error ? (
          <Callout tone="danger" title="The reset did not finish">
            {operation.error}
          </Callout>
        ) : null}
        <Field label={`Type ${volume} to confirm`}>
          <TextInput
            mono
            value={typed}
            autoComplete="off"
            spellCheck={false}
            disabled={running}
            onChange={(e) => setTyped(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') reset();
            }}
          />
        </Field>
      </div>
    );
    footer = (
      <>
        <Button variant="ghost" onClick={close} disabled={running}>
          Cancel
        </Button>
        <Button variant="danger" onClick={reset} disabled={!confirmed} loading={running}>
          Reset home volume
        </Button>
      </>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Reset the home volume?"
      size="md"
      dismissable={!running}
      footer={footer}
    >
      {body}
    </Dialog>
  );
}
