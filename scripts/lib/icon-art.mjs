// @ts-check
/**
 * The app icon, drawn from one description at any size: a rounded square in the app's dark
 * slate with a coral claw (an open pincer around a dot, the gateway at its centre). Drawn from
 * signed distances with 4×4 supersampling, so every size is rendered, never scaled, and the
 * output is byte-identical on every machine (no fonts, no native libraries). Also the three
 * container formats the installers need: PNG, ICO (PNG entries) and ICNS (PNG entries).
 */
import { crc32, deflateSync } from 'node:zlib';

const BACKGROUND = [31, 36, 48];
const BACKGROUND_TOP = [45, 52, 70];
const CLAW = [255, 94, 77];
const CORE = [255, 214, 201];

/** Distance to a rounded square of half-size `h` and corner radius `r` (negative inside). */
function roundedSquare(x, y, h, r) {
  const qx = Math.abs(x) - h + r;
  const qy = Math.abs(y) - h + r;
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - r;
}

/** Distance to the pincer: a thick ring open towards the upper right, with rounded tips. */
function pincer(x, y) {
  const radius = 0.27;
  const half = 0.085;
  const angle = Math.atan2(-y, x);
  // The gap: 70° centred at 45° (upper right).
  const gapFrom = (10 * Math.PI) / 180;
  const gapTo = (80 * Math.PI) / 180;
  if (angle > gapFrom && angle < gapTo) {
    const tip = (a) => Math.hypot(x - radius * Math.cos(a), y + radius * Math.sin(a)) - half;
    return Math.min(tip(gapFrom), tip(gapTo));
  }
  return Math.abs(Math.hypot(x, y) - radius) - half;
}

/** Colour and coverage of one sample at (x, y) in [-0.5, 0.5]². */
function sample(x, y) {
  if (roundedSquare(x, y, 0.46, 0.11) > 0) return null;
  if (Math.hypot(x, y) < 0.075) return CORE;
  if (pincer(x, y) < 0) return CLAW;
  const t = (y + 0.46) / 0.92;
  return BACKGROUND_TOP.map((c, i) => Math.round(c + (BACKGROUND[i] - c) * t));
}

/** RGBA pixels of the icon at `size`×`size`. */
export function renderIcon(size) {
  const grid = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < grid; sy += 1) {
        for (let sx = 0; sx < grid; sx += 1) {
          const x = (px + (sx + 0.5) / grid) / size - 0.5;
          const y = (py + (sy + 0.5) / grid) / size - 0.5;
          const colour = sample(x, y);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (covered > 0) {
        pixels[i] = Math.round(r / covered);
        pixels[i + 1] = Math.round(g / covered);
        pixels[i + 2] = Math.round(b / covered);
        pixels[i + 3] = Math.round((covered * 255) / (grid * grid));
      }
    }
  }
  return pixels;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG (8-bit RGBA, no filtering) of `size`×`size` pixels. */
export function encodePng(pixels, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows .ico holding PNG images (Vista and later read them at every size). */
export function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const { size, png } of pngs) {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.png)]);
}

/** ICNS types that hold PNG data, by pixel size (the @2x types share the larger sizes). */
export const ICNS_TYPES = {
  16: 'icp4',
  32: 'icp5',
  64: 'icp6',
  128: 'ic07',
  256: 'ic08',
  512: 'ic09',
  1024: 'ic10',
};

/** A macOS .icns holding PNG images. */
export function encodeIcns(pngs) {
  const parts = pngs.map(({ size, png }) => {
    const type = ICNS_TYPES[size];
    if (!type) throw new Error(`no ICNS type for ${size}px`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}
