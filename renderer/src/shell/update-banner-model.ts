/**
 * What the window shows about an app update: progress while downloading (percent and speed),
 * "Restart to update" once downloaded, and for a .deb the app cannot install itself, the link and
 * the command. Nothing for the other states: asking happens in the app's own dialog.
 */
import type { UpdateView } from '../../../electron/contract/host-api.js';
import { formatBytes } from '../app/format.js';

export interface UpdateBannerModel {
  tone: 'info' | 'success';
  title: string;
  body: string;
  command?: string;
  link?: string;
  canRestart?: boolean;
}

export function updateBannerOf(view: UpdateView | null): UpdateBannerModel | null {
  const s = view?.status;
  if (!s) return null;
  if (s.state === 'downloading') {
    const amount = s.total > 0 ? ` · ${formatBytes(s.transferred)} of ${formatBytes(s.total)}` : '';
    return {
      tone: 'info',
      title: `Downloading version ${s.version} — ${Math.floor(s.percent)}%`,
      body: `${formatBytes(s.bytesPerSecond)}/s${amount}`,
    };
  }
  if (s.state === 'downloaded') {
    return {
      tone: 'success',
      title: `Version ${s.version} is ready`,
      body: 'Restart OpenClaw Desktop to use it. The gateway keeps running in Docker meanwhile.',
      canRestart: true,
    };
  }
  if (s.state === 'manual') {
    return {
      tone: 'info',
      title: `Version ${s.version} is available`,
      body: `The app cannot install it itself here (${s.why}). Download the package, then run this in its folder:`,
      link: s.url,
      command: s.command,
    };
  }
  return null;
}
