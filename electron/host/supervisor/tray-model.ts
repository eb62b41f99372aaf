/**
 * The tray menu as a pure function of the status snapshot and the app settings. Electron's glue
 * turns this into a `Menu` and maps item ids to actions; nothing about enabling or wording lives
 * there, so the whole menu is unit-tested here.
 */
import { engineStateOf, type GatewayStatusSnapshot, type StatusPhase } from './status-phase.js';

export type TrayItemId =
  | 'status'
  | 'start'
  | 'stop'
  | 'restart'
  | 'separator-actions'
  | 'open-control-ui'
  | 'approvals'
  | 'logs'
  | 'diagnostics'
  | 'separator-app'
  | 'start-at-login'
  | 'settings'
  | 'check-updates'
  | 'install-update'
  | 'quit';

/** Ids the glue must handle as clicks (everything but the status line and separators). */
export type TrayActionId = Exclude<TrayItemId, 'status' | 'separator-actions' | 'separator-app'>;

export type TrayIconState = 'running' | 'stopped' | 'starting' | 'attention' | 'error';

export interface TrayMenuItem {
  id: TrayItemId;
  label: string;
  enabled: boolean;
  type?: 'separator' | 'checkbox';
  checked?: boolean;
  /** Count to show next to the item (pending approvals). */
  badge?: number;
}

export interface TrayMenuModel {
  tooltip: string;
  iconState: TrayIconState;
  statusLine: string;
  items: TrayMenuItem[];
}

export interface TraySettings {
  startAtLogin: boolean;
}

/** Where the app update stands, as far as the menu cares. */
export interface TrayUpdate {
  /** Percent of a download under way. */
  downloadingPercent?: number;
  /** A downloaded version waiting for a restart. */
  readyVersion?: string;
}

const ICON_BY_PHASE: Record<StatusPhase, TrayIconState> = {
  'engine-missing': 'attention',
  'engine-stopped': 'stopped',
  'not-set-up': 'attention',
  stopped: 'stopped',
  starting: 'starting',
  unhealthy: 'attention',
  failed: 'error',
  running: 'running',
  'pairing-pending': 'attention',
};

function iconFor(status: GatewayStatusSnapshot): TrayIconState {
  // A stuck engine is an error the user must fix; a stopped one is just stopped.
  const engine = engineStateOf(status);
  if (engine === 'unresponsive') return 'error';
  if (engine === 'starting') return 'starting';
  return ICON_BY_PHASE[status.phase];
}

const SETUP_PHASES: ReadonlySet<StatusPhase> = new Set(['engine-missing', 'not-set-up']);

export function buildTrayMenu(
  status: GatewayStatusSnapshot,
  settings: TraySettings,
  update: TrayUpdate = {},
): TrayMenuModel {
  const up = status.phase === 'running' || status.phase === 'pairing-pending';
  const pending = status.pendingApprovals;
  const approvalsLabel = pending > 0 ? `Approvals (${pending})…` : 'Approvals…';

  const items: TrayMenuItem[] = [
    { id: 'status', label: status.summary, enabled: false },
    { id: 'start', label: 'Start gateway', enabled: status.canStart },
    { id: 'stop', label: 'Stop gateway', enabled: status.canStop },
    { id: 'restart', label: 'Restart gateway', enabled: status.canRestart },
    { id: 'separator-actions', label: '', enabled: true, type: 'separator' },
    { id: 'open-control-ui', label: 'Open Control UI', enabled: up },
    {
      id: 'approvals',
      label: approvalsLabel,
      // Pairing lives in the config dir's files, so it stays reachable whenever a stack exists.
      enabled: !SETUP_PHASES.has(status.phase),
      ...(pending > 0 ? { badge: pending } : {}),
    },
    { id: 'logs', label: 'Logs', enabled: true },
    { id: 'diagnostics', label: 'Diagnostics', enabled: true },
    { id: 'separator-app', label: '', enabled: true, type: 'separator' },
    {
      id: 'start-at-login',
      label: 'Start at login',
      enabled: true,
      type: 'checkbox',
      checked: settings.startAtLogin,
    },
    { id: 'settings', label: 'Settings…', enabled: true },
    update.downloadingPercent !== undefined
      ? {
          id: 'check-updates',
          label: `Downloading update… ${Math.floor(update.downloadingPercent)}%`,
          enabled: false,
        }
      : { id: 'check-updates', label: 'Check for updates…', enabled: true },
    ...(update.readyVersion
      ? [
          {
            id: 'install-update' as const,
            label: `Restart to update (${update.readyVersion})`,
            enabled: true,
          },
        ]
      : []),
    { id: 'quit', label: 'Quit OpenClaw Desktop', enabled: true },
  ];

  return {
    tooltip: `OpenClaw Desktop — ${status.summary}`,
    iconState: iconFor(status),
    statusLine: status.summary,
    items,
  };
}
