#!/usr/bin/env node
// @ts-check
/**
 * Writes the installers' icons into build/icons/ from the one drawing in scripts/lib/icon-art.mjs:
 *
 *   build/icons/icon.png          1024×1024 (electron-builder's master and the Linux fallback)
 *   build/icons/png/<N>x<N>.png   16 … 1024, the sizes Linux desktops look for (AppImage, deb)
 *   build/icons/icon.ico          16, 24, 32, 48, 64, 128, 256 (Windows: exe, installer, shortcuts)
 *   build/icons/icon.icns         16 … 1024 (macOS: app bundle, dmg)
 *
 *   node scripts/make-icons.mjs            write them (commit the result)
 *   node scripts/make-icons.mjs --check    exit 1 when the committed files differ from the drawing
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIcns, encodeIco, encodePng, renderIcon } from './lib/icon-art.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_DIR = path.join(ROOT, 'build', 'icons');
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
export const ICNS_SIZES = [16, 32, 64, 128, 256, 512, 1024];

/** Every icon file, relative to build/icons, with its bytes. */
export function iconFiles() {
  const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_SIZES])];
  const png = new Map(sizes.map((size) => [size, encodePng(renderIcon(size), size)]));
  const at = (size) => /** @type {Buffer} */ (png.get(size));
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  files.set('icon.png', at(1024));
  for (const size of LINUX_SIZES) files.set(`png/${size}x${size}.png`, at(size));
  files.set('icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, png: at(size) }))));
  files.set('icon.icns', encodeIcns(ICNS_SIZES.map((size) => ({ size, png: at(size) }))));
  return files;
}

async function main() {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [name, bytes] of iconFiles()) {
    const file = path.join(ICON_DIR, name);
    if (check) {
      const current = await fs.readFile(file).catch(() => undefined);
      if (!current || !current.equals(bytes)) stale.push(name);
      continue;
    }
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
  }
  if (check && stale.length > 0) {
    console.error(
      `build/icons is out of date (${stale.join(', ')}): run node scripts/make-icons.mjs and commit the result.`,
    );
    process.exit(1);
  }
  if (!check) console.log(`wrote ${iconFiles().size} icon files to build/icons`);
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) await main();
