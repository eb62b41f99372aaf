/**
 * "Start Docker": asks the host to start the engine where the OS allows it (Docker Desktop,
 * systemd) and says what happened in the host's words; the checks/status refresh afterwards.
 */
import { Button, toast } from '../../ui/index.js';
import { useAppStore } from '../store/app-store-context.js';

export function StartEngineButton({ onDone }: { onDone?: () => void }) {
  const start = useAppStore((s) => s.startEngine);
  const busy = useAppStore((s) => s.engineStart.loading);
  return (
    <Button
      size="sm"
      variant="primary"
      icon="play"
      loading={busy}
      onClick={() =>
        void start().then((result) => {
          const error = result ? undefined : 'The app could not ask the system to start Docker.';
          toast({
            title: result?.started ? 'Docker is starting' : 'Docker did not start',
            body: result?.message ?? error,
            tone: result?.started ? 'success' : 'warning',
          });
          onDone?.();
        })
      }
    >
      Start Docker
    </Button>
  );
}
