/**
 * A stack change the host could not apply. It is not the current state (the stack, settings.json
 * and `.env` keep the previous settings), so it is shown as such: what it would change, why it
 * failed, and the two ways out — Retry (apply it again) or Discard (keep what runs).
 */
import type { StackChange, StackSettings } from '../../../../electron/contract/host-api.js';
import { Button, Callout } from '../../ui/index.js';

function homeText(h: StackSettings['homeVolume']): string {
  if (h === null) return 'off';
  return h.kind === 'volume' ? `volume ${h.name}` : `folder ${h.source}`;
}

function mountText(m: StackSettings['extraMounts'][number]): string {
  return `${m.source} → ${m.target}${m.readOnly ? ' (read-only)' : ''}`;
}

/** What applying `desired` over `applied` would change, one plain line per difference. */
export function describeChange(applied: StackSettings, desired: StackSettings): string[] {
  const lines: string[] = [];
  const added = desired.aptPackages.filter((p) => !applied.aptPackages.includes(p));
  const removed = applied.aptPackages.filter((p) => !desired.aptPackages.includes(p));
  if (added.length) lines.push(`Add packages: ${added.join(', ')}`);
  if (removed.length) lines.push(`Remove packages: ${removed.join(', ')}`);
  const mountsBefore = applied.extraMounts.map(mountText);
  const mountsAfter = desired.extraMounts.map(mountText);
  for (const m of mountsAfter) if (!mountsBefore.includes(m)) lines.push(`Add folder: ${m}`);
  for (const m of mountsBefore) if (!mountsAfter.includes(m)) lines.push(`Remove folder: ${m}`);
  if (homeText(applied.homeVolume) !== homeText(desired.homeVolume))
    lines.push(`Home volume: ${homeText(applied.homeVolume)} → ${homeText(desired.homeVolume)}`);
  if (applied.gatewayPort !== desired.gatewayPort)
    lines.push(`Port: ${applied.gatewayPort} → ${desired.gatewayPort}`);
  if (applied.exposeOnLan !== desired.exposeOnLan)
    lines.push(
      desired.exposeOnLan ? 'Publish on the local network' : 'Publish on this computer only',
    );
  if (applied.configDir !== desired.configDir)
    lines.push(`Config folder: ${applied.configDir} → ${desired.configDir}`);
  if (applied.workspaceDir !== desired.workspaceDir)
    lines.push(`Workspace folder: ${applied.workspaceDir} → ${desired.workspaceDir}`);
  return lines;
}

export function PendingChangeBanner({
  change,
  applied,
  discarding,
  onRetry,
  onDiscard,
}: {
  change: StackChange;
  applied: StackSettings;
  discarding?: boolean;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  if (change.state === 'applying') {
    return (
      <Callout tone="info" title="Changes are being applied">
        The settings below switch over once the gateway runs with them.
      </Callout>
    );
  }
  if (change.state !== 'failed') return null;
  const lines = describeChange(applied, change.desired);
  return (
    <div className="pending-change">
      <Callout
        tone="danger"
        title={
          change.kind === 'setup' ? 'The setup did not finish' : 'These changes are not applied'
        }
        actions={
          <>
            <Button size="sm" variant="primary" icon="restart" onClick={onRetry}>
              Retry
            </Button>
            <Button size="sm" variant="secondary" onClick={onDiscard} loading={discarding}>
              Discard
            </Button>
          </>
        }
      >
        <p className="pending-change__error">{change.error.message}</p>
        {lines.length ? (
          <ul className="pending-change__list" aria-label="Not applied">
            {lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        ) : null}
        <p>
          The gateway keeps running with the settings it had. Correct the settings below and review
          them again, Retry them as they are, or Discard them.
        </p>
      </Callout>
    </div>
  );
}
