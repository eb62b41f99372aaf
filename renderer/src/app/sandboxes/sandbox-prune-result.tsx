/**
 * What a prune did, in words: the toast's one-line summary, and a note listing each container
 * that stayed with the engine's reason (kept on the page until dismissed, as a toast would lose it).
 */
import type { SandboxPruneResult } from '../../../../electron/contract/sandbox-schemas.js';
import { Button, Callout } from '../../ui/index.js';

const plural = (n: number, what = 'sandbox') => `${n} ${what}${n === 1 ? '' : 'es'}`;

export function pruneSummary(r: SandboxPruneResult): string {
  if (r.removed.length === 0 && r.failed.length === 0) return 'No sandbox was idle that long.';
  const parts: string[] = [];
  if (r.removed.length) parts.push(`Removed ${plural(r.removed.length, 'idle sandbox')}.`);
  if (r.failed.length) parts.push(`${plural(r.failed.length)} could not be removed.`);
  return parts.join(' ');
}

export function PruneFailures({
  failed,
  onDismiss,
}: {
  failed: SandboxPruneResult['failed'];
  onDismiss: () => void;
}) {
  if (failed.length === 0) return null;
  return (
    <Callout
      tone="warning"
      title={`${plural(failed.length)} idle but not removed`}
      actions={
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      }
    >
      <ul className="sandboxes__failures">
        {failed.map((f) => (
          <li key={f.name}>
            <span className="ui-mono">{f.name}</span>: {f.reason}
          </li>
        ))}
      </ul>
    </Callout>
  );
}
