/** Small display helpers shared by the app pages. */
import type { GatewayStatus, StatusPhase } from '../../../electron/contract/host-api.js';
import type { Tone } from '../ui/index.js';

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export function formatRelative(ts: number, now = Date.now()): string {
  const diff = now - ts;
  if (diff < 45_000) return 'just now';
  if (diff < 3_600_000) return `${Math.round(diff / 60_000)} min ago`;
  if (diff < 86_400_000) return `${Math.round(diff / 3_600_000)} h ago`;
  const days = Math.round(diff / 86_400_000);
  if (days < 30) return `${days} day${days === 1 ? '' : 's'} ago`;
  return new Date(ts).toLocaleDateString();
}

export const PHASE_LABEL: Record<StatusPhase, string> = {
  'engine-missing': 'Docker not installed',
  'engine-stopped': 'Docker not running',
  'not-set-up': 'Not set up',
  stopped: 'Stopped',
  starting: 'Starting',
  unhealthy: 'Unhealthy',
  failed: 'Failed',
  running: 'Running',
  'pairing-pending': 'Running · approval waiting',
};

export const PHASE_TONE: Record<StatusPhase, Tone> = {
  'engine-missing': 'danger',
  'engine-stopped': 'warning',
  'not-set-up': 'neutral',
  stopped: 'neutral',
  starting: 'info',
  unhealthy: 'warning',
  failed: 'danger',
  running: 'success',
  'pairing-pending': 'accent',
};

export function isBusyPhase(status: GatewayStatus | undefined): boolean {
  return status?.phase === 'starting' || status?.operation !== undefined;
}

/** `http://127.0.0.1:18789/#token=abcd…` → the same with the token replaced by dots. */
export function maskTokenUrl(url: string): string {
  return url.replace(/([#&?]token=)[^&#]*/g, '$1••••••••••••');
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  const i = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  const value = bytes / 1024 ** i;
  return `${value >= 100 || i === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[i]}`;
}
