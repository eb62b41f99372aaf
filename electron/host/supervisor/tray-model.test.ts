import { describe, expect, it } from 'vitest';
import { computeStatus, type StatusObservation } from './status-phase.js';
import { buildTrayMenu, type TrayItemId, type TrayMenuModel } from './tray-model.js';

const NOW = 1_700_000_000_000;

function status(overrides: Partial<StatusObservation> = {}) {
  return computeStatus({
    now: NOW,
    port: 18789,
    engine: 'ready',
    stackSetUp: true,
    container: { state: 'running', health: 'healthy', startedAt: NOW - 1000 },
    httpReady: true,
    operator: 'connected',
    pendingApprovals: 0,
    userStopped: false,
    ...overrides,
  });
}

/** id → enabled, for the items whose enabling depends on state. */
function enabled(menu: TrayMenuModel): Partial<Record<TrayItemId, boolean>> {
  const ids: TrayItemId[] = ['start', 'stop', 'restart', 'open-control-ui', 'approvals'];
  return Object.fromEntries(ids.map((id) => [id, menu.items.find((i) => i.id === id)?.enabled]));
}

describe('buildTrayMenu', () => {
  it('running: the full menu in order', () => {
    const menu = buildTrayMenu(status(), { startAtLogin: true });
    expect(menu).toEqual({
      tooltip: 'OpenClaw Desktop — Gateway: running',
      iconState: 'running',
      statusLine: 'Gateway: running',
      items: [
        { id: 'status', label: 'Gateway: running', enabled: false },
        { id: 'start', label: 'Start gateway', enabled: false },
        { id: 'stop', label: 'Stop gateway', enabled: true },
        { id: 'restart', label: 'Restart gateway', enabled: true },
        { id: 'separator-actions', label: '', enabled: true, type: 'separator' },
        { id: 'open-control-ui', label: 'Open Control UI', enabled: true },
        { id: 'approvals', label: 'Approvals…', enabled: true },
        { id: 'logs', label: 'Logs', enabled: true },
        { id: 'diagnostics', label: 'Diagnostics', enabled: true },
        { id: 'separator-app', label: '', enabled: true, type: 'separator' },
        {
          id: 'start-at-login',
          label: 'Start at login',
          enabled: true,
          type: 'checkbox',
          checked: true,
        },
        { id: 'settings', label: 'Settings…', enabled: true },
        { id: 'check-updates', label: 'Check for updates…', enabled: true },
        { id: 'quit', label: 'Quit OpenClaw Desktop', enabled: true },
      ],
    });
  });

  it('app update: progress while downloading, then "Restart to update" before Quit', () => {
    const downloading = buildTrayMenu(
      status(),
      { startAtLogin: false },
      { downloadingPercent: 42.7 },
    );
    expect(downloading.items.find((i) => i.id === 'check-updates')).toEqual({
      id: 'check-updates',
      label: 'Downloading update… 42%',
      enabled: false,
    });
    expect(downloading.items.some((i) => i.id === 'install-update')).toBe(false);
    const ready = buildTrayMenu(status(), { startAtLogin: false }, { readyVersion: '1.3.0' });
    expect(ready.items.slice(-3).map((i) => [i.id, i.label, i.enabled])).toEqual([
      ['check-updates', 'Check for updates…', true],
      ['install-update', 'Restart to update (1.3.0)', true],
      ['quit', 'Quit OpenClaw Desktop', true],
    ]);
  });

  it('pairing pending: attention icon, count in the status line and on Approvals', () => {
    const menu = buildTrayMenu(status({ pendingApprovals: 2 }), { startAtLogin: false });
    expect(menu.iconState).toBe('attention');
    expect(menu.statusLine).toBe('Gateway: running · 2 approvals pending');
    expect(menu.items.find((i) => i.id === 'approvals')).toEqual({
      id: 'approvals',
      label: 'Approvals (2)…',
      enabled: true,
      badge: 2,
    });
    expect(menu.items.find((i) => i.id === 'start-at-login')?.checked).toBe(false);
  });

  it('stopped: only Start among the gateway actions, no Control UI', () => {
    const menu = buildTrayMenu(
      status({ container: { state: 'exited', health: 'none' }, httpReady: undefined }),
      {
        startAtLogin: false,
      },
    );
    expect(menu.iconState).toBe('stopped');
    expect(enabled(menu)).toEqual({
      start: true,
      stop: false,
      restart: false,
      'open-control-ui': false,
      approvals: true,
    });
  });

  it('starting: Stop only (cancels the start), starting icon', () => {
    const menu = buildTrayMenu(
      status({
        container: { state: 'exited', health: 'none' },
        operation: { kind: 'start', startedAt: NOW },
      }),
      { startAtLogin: false },
    );
    expect(menu.iconState).toBe('starting');
    expect(menu.statusLine).toBe('Gateway: starting…');
    expect(enabled(menu)).toEqual({
      start: false,
      stop: true,
      restart: false,
      'open-control-ui': false,
      approvals: true,
    });
  });

  it('unhealthy: attention icon, restart allowed', () => {
    const menu = buildTrayMenu(status({ container: { state: 'running', health: 'unhealthy' } }), {
      startAtLogin: false,
    });
    expect(menu.iconState).toBe('attention');
    expect(enabled(menu)).toMatchObject({
      start: false,
      stop: true,
      restart: true,
      'open-control-ui': false,
    });
  });

  it('failed: error icon, Start offered', () => {
    const menu = buildTrayMenu(
      status({
        container: { state: 'exited', health: 'none' },
        failed: { reason: 'x', crashes: 5 },
      }),
      { startAtLogin: false },
    );
    expect(menu.iconState).toBe('error');
    expect(menu.statusLine).toBe('Gateway: failed after 5 crashes — see Diagnostics');
    expect(enabled(menu)).toMatchObject({ start: true, stop: false, restart: false });
  });

  it('engine states: stopped / starting / unresponsive / missing', () => {
    const icon = (engine: StatusObservation['engine']) =>
      buildTrayMenu(status({ engine }), { startAtLogin: false }).iconState;
    expect(icon('stopped')).toBe('stopped');
    expect(icon('starting')).toBe('starting');
    expect(icon('unresponsive')).toBe('error');
    expect(icon('not-installed')).toBe('attention');
    const missing = buildTrayMenu(status({ engine: 'not-installed' }), { startAtLogin: false });
    expect(enabled(missing)).toEqual({
      start: false,
      stop: false,
      restart: false,
      'open-control-ui': false,
      approvals: false,
    });
    expect(missing.statusLine).toMatch(/Docker is not installed/);
    const engineStopped = buildTrayMenu(status({ engine: 'stopped' }), { startAtLogin: false });
    expect(engineStopped.statusLine).toBe('Docker is not running — start Docker Desktop');
    // the always-available items stay enabled whatever the state
    for (const id of ['logs', 'diagnostics', 'settings', 'quit', 'start-at-login'] as const) {
      expect(missing.items.find((i) => i.id === id)?.enabled).toBe(true);
    }
  });

  it('not set up: attention icon, approvals disabled', () => {
    const menu = buildTrayMenu(status({ stackSetUp: false, container: undefined }), {
      startAtLogin: false,
    });
    expect(menu.iconState).toBe('attention');
    expect(enabled(menu)).toEqual({
      start: false,
      stop: false,
      restart: false,
      'open-control-ui': false,
      approvals: false,
    });
  });
});
