/** The review screen: every choice in plain words, each with a way back to change it. */
import type { StackSettings } from '../../../../electron/contract/host-api.js';
import { Badge, Button, Card } from '../../ui/index.js';
import { dockerVolumeName, type DraftSection } from './stack-draft.js';

export function homeVolumeText(home: StackSettings['homeVolume']): string {
  if (!home) return 'Off — /home/node starts fresh on every rebuild';
  return home.kind === 'volume'
    ? `Docker volume “${home.name}” (Docker lists it as ${dockerVolumeName(home.name)})`
    : `Folder ${home.source}`;
}

export function ReviewSummary({
  settings,
  onEdit,
}: {
  settings: StackSettings;
  onEdit?: (section: DraftSection) => void;
}) {
  const edit = (section: DraftSection, what: string) =>
    onEdit ? (
      <Button
        size="sm"
        variant="ghost"
        onClick={() => onEdit(section)}
        aria-label={`Change ${what}`}
      >
        Change
      </Button>
    ) : undefined;
  return (
    <div className="review">
      <Card level={3} title="Folders" actions={edit('folders', 'folders')}>
        <dl className="review__list">
          <dt>Config</dt>
          <dd className="ui-mono">{settings.configDir}</dd>
          <dt>Workspace</dt>
          <dd className="ui-mono">{settings.workspaceDir}</dd>
        </dl>
      </Card>
      <Card level={3} title="Extra folders" actions={edit('mounts', 'extra folders')}>
        {settings.extraMounts.length === 0 ? (
          <p className="ui-muted">None</p>
        ) : (
          <ul className="review__mounts">
            {settings.extraMounts.map((m) => (
              <li key={`${m.source}→${m.target}`}>
                <span className="ui-mono">{m.source}</span>
                <span className="review__arrow" aria-label="mounted at">
                  →
                </span>
                <span className="ui-mono">{m.target}</span>
                <Badge tone={m.readOnly ? 'neutral' : 'warning'}>
                  {m.readOnly ? 'read-only' : 'read-write'}
                </Badge>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card level={3} title="Packages" actions={edit('packages', 'packages')}>
        {settings.aptPackages.length === 0 ? (
          <p className="ui-muted">No extra packages</p>
        ) : (
          <ul className="review__chips">
            {settings.aptPackages.map((p) => (
              <li key={p} className="ui-chip">
                {p}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card level={3} title="Home volume" actions={edit('home', 'home volume')}>
        <p>{homeVolumeText(settings.homeVolume)}</p>
      </Card>
      <Card level={3} title="Network" actions={edit('port', 'port')}>
        {settings.exposeOnLan ? (
          <p>
            Port <span className="ui-mono">{settings.gatewayPort}</span> on all network addresses
            (0.0.0.0): <Badge tone="warning">reachable from other devices</Badge> — token and
            approval still required
          </p>
        ) : (
          <p>
            Port <span className="ui-mono">{settings.gatewayPort}</span> on this computer only
            (127.0.0.1)
          </p>
        )}
      </Card>
    </div>
  );
}
