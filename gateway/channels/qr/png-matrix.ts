/**
 * Reads the module matrix back out of a QR PNG. The gateway hands clients a PNG data URL
 * (`web.login.start` → `qrDataUrl`), while a terminal needs the modules to draw blocks; a QR PNG
 * is a clean grid, so sampling the centre of each module is enough (this is not a camera
 * decoder). Handles the PNGs QR libraries write: 8-bit grey/RGB(A) or palette, not interlaced.
 */
import { inflateSync } from 'node:zlib';
import type { QrMatrix } from './qr-code.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngImage {
  width: number;
  height: number;
  /** True where the pixel is dark (a transparent pixel counts as light). */
  dark(x: number, y: number): boolean;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(png: Buffer): PngImage {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG image');
  let offset = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = -1;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const data: Buffer[] = [];
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8]!;
      colorType = body[9]!;
      if (body[12] !== 0) throw new Error('interlaced PNGs are not supported');
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
  }
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  if (!channels || width === 0 || height === 0) throw new Error('unsupported or damaged PNG');
  if (colorType !== 3 && bitDepth !== 8) throw new Error(`unsupported PNG bit depth ${bitDepth}`);
  if (colorType === 3 && !palette) throw new Error('palette PNG without a palette');
  const bitsPerPixel = channels * bitDepth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel / 8);
  const raw = inflateSync(Buffer.concat(data));
  if (raw.length < (stride + 1) * height) throw new Error('truncated PNG data');
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i]!;
      const a = i >= bpp ? pixels[dst + i - bpp]! : 0;
      const b = y > 0 ? pixels[dst - stride + i]! : 0;
      const c = i >= bpp && y > 0 ? pixels[dst - stride + i - bpp]! : 0;
      const predictor =
        filter === 0
          ? 0
          : filter === 1
            ? a
            : filter === 2
              ? b
              : filter === 3
                ? (a + b) >> 1
                : filter === 4
                  ? paeth(a, b, c)
                  : NaN;
      if (Number.isNaN(predictor)) throw new Error(`bad PNG filter ${filter}`);
      pixels[dst + i] = (x + predictor) & 0xff;
    }
  }
  const rgba = (x: number, y: number): [number, number, number, number] => {
    const row = y * stride;
    if (colorType === 3) {
      const bit = x * bitDepth;
      const byte = pixels[row + (bit >> 3)]!;
      const index = (byte >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
      const alpha = transparency && index < transparency.length ? transparency[index]! : 255;
      return [palette![index * 3]!, palette![index * 3 + 1]!, palette![index * 3 + 2]!, alpha];
    }
    const p = row + x * channels;
    if (colorType === 0) return [pixels[p]!, pixels[p]!, pixels[p]!, 255];
    if (colorType === 4) return [pixels[p]!, pixels[p]!, pixels[p]!, pixels[p + 1]!];
    if (colorType === 2) return [pixels[p]!, pixels[p + 1]!, pixels[p + 2]!, 255];
    return [pixels[p]!, pixels[p + 1]!, pixels[p + 2]!, pixels[p + 3]!];
  };
  return {
    width,
    height,
    dark(x, y) {
      const [r, g, b, alpha] = rgba(x, y);
      return alpha >= 128 && 0.299 * r + 0.587 * g + 0.114 * b < 128;
    },
  };
}

/** The 7x7 finder pattern's module at (r, c): dark ring, light ring, dark 3x3 centre. */
function finderDark(r: number, c: number): boolean {
  const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
  return ring !== 2;
}

export function qrMatrixFromPng(png: Buffer): QrMatrix {
  const image = decodePng(png);
  let minX = image.width;
  let minY = image.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!image.dark(x, y)) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  if (maxX < 0) throw new Error('the image holds no QR code (no dark pixels)');
  const width = maxX - minX + 1;
  // The top-left finder's top edge is a dark run of 7 modules.
  let run = 0;
  while (minX + run <= maxX && image.dark(minX + run, minY)) run++;
  const estimate = (width / (run / 7) - 17) / 4;
  // Small modules blur the estimate: try the nearest versions, keep the first whose finder and
  // timing patterns sit where they must.
  const candidates = Array.from({ length: 40 }, (_, i) => i + 1)
    .filter((v) => Math.abs(v - estimate) <= 3)
    .sort((a, b) => Math.abs(a - estimate) - Math.abs(b - estimate));
  for (const version of candidates) {
    const rows = sample(image, minX, minY, maxY, width, 17 + 4 * version);
    if (structureValid(rows)) return rows;
  }
  throw new Error('the image is not a QR code this reader understands');
}

function sample(
  image: PngImage,
  minX: number,
  minY: number,
  maxY: number,
  width: number,
  size: number,
): QrMatrix {
  const cell = width / size;
  const rows: QrMatrix = [];
  for (let r = 0; r < size; r++) {
    const row: boolean[] = [];
    const y = Math.min(maxY, Math.floor(minY + (r + 0.5) * cell));
    for (let c = 0; c < size; c++) row.push(image.dark(Math.floor(minX + (c + 0.5) * cell), y));
    rows.push(row);
  }
  return rows;
}

function structureValid(rows: QrMatrix): boolean {
  const size = rows.length;
  for (const [r0, c0] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ] as const) {
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 7; c++) if (rows[r0 + r]![c0 + c] !== finderDark(r, c)) return false;
    }
  }
  // Timing patterns: alternating modules on row 6 and column 6 between the finders.
  for (let i = 8; i < size - 8; i++) {
    if (rows[6]![i] !== (i % 2 === 0) || rows[i]![6] !== (i % 2 === 0)) return false;
  }
  return true;
}

export function qrMatrixFromDataUrl(dataUrl: string): QrMatrix {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl);
  if (!match) throw new Error('expected a data:image/png;base64 URL');
  return qrMatrixFromPng(Buffer.from(match[1]!, 'base64'));
}

/** The PNG bytes inside a PNG data URL (to save the gateway's QR as a file unchanged). */
export function pngFromDataUrl(dataUrl: string): Buffer {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl);
  if (!match) throw new Error('expected a data:image/png;base64 URL');
  return Buffer.from(match[1]!, 'base64');
}
