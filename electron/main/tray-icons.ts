/**
 * Tray icons drawn at runtime (a 16×16 dot per state) so the glue needs no binary assets; the
 * installer's app icons live in build/. macOS gets template images (monochrome, follows the theme).
 */
import { nativeImage, type NativeImage } from 'electron';
import type { TrayMenuModel } from '../host/app-host-types.js';

const COLORS: Record<TrayMenuModel['iconState'], [number, number, number]> = {
  running: [46, 160, 67],
  stopped: [140, 140, 140],
  starting: [210, 153, 34],
  attention: [56, 132, 244],
  error: [218, 54, 51],
};

const cache = new Map<string, NativeImage>();

export function trayIcon(state: TrayMenuModel['iconState']): NativeImage {
  const cached = cache.get(state);
  if (cached) return cached;
  const size = 16;
  const [r, g, b] = COLORS[state];
  const bitmap = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const d = Math.hypot(x - 7.5, y - 7.5);
      const alpha = d <= 6 ? 255 : d <= 7 ? Math.round((7 - d) * 255) : 0;
      const i = (y * size + x) * 4;
      // BGRA, as nativeImage.createFromBitmap expects
      bitmap[i] = process.platform === 'darwin' ? 0 : b;
      bitmap[i + 1] = process.platform === 'darwin' ? 0 : g;
      bitmap[i + 2] = process.platform === 'darwin' ? 0 : r;
      bitmap[i + 3] = alpha;
    }
  }
  const image = nativeImage.createFromBitmap(bitmap, { width: size, height: size });
  if (process.platform === 'darwin') image.setTemplateImage(true);
  cache.set(state, image);
  return image;
}
