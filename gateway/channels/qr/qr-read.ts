/**
 * Reads the text back out of a clean QR module matrix: what a phone does with the code, for tests
 * that play the phone (scan the PNG the CLI saved, hand the text to a link stand-in). It relies on
 * `qrcode` for the symbol's layout (function patterns, block structure) and does no error
 * correction, so it only reads undamaged codes such as our own PNGs and terminal blocks.
 */
import QRCode from 'qrcode';
import type { QrMatrix } from './qr-code.js';

type Level = 'L' | 'M' | 'Q' | 'H';
const LEVELS: Level[] = ['L', 'M', 'Q', 'H'];
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const MASKS: Array<(r: number, c: number) => boolean> = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r * c) % 3) + ((r + c) % 2)) % 2 === 0,
];

interface Layout {
  level: Level;
  mask: number;
  reserved(r: number, c: number): boolean;
}

/** The level and mask whose format bits (and function patterns) the matrix carries. */
function findLayout(matrix: QrMatrix, version: number): Layout {
  for (const level of LEVELS) {
    for (const mask of [0, 1, 2, 3, 4, 5, 6, 7] as const) {
      const ref = QRCode.create('0', {
        version,
        errorCorrectionLevel: level,
        maskPattern: mask,
      }).modules;
      let same = true;
      for (let r = 0; r < ref.size && same; r++) {
        for (let c = 0; c < ref.size; c++) {
          if (ref.isReserved(r, c) && (ref.get(r, c) === 1) !== matrix[r]![c]) {
            same = false;
            break;
          }
        }
      }
      if (same) return { level, mask, reserved: (r, c) => ref.isReserved(r, c) === 1 };
    }
  }
  throw new Error('no valid QR format information found');
}

/** Data codewords per block: the symbol's capacity minus its error correction codewords. */
function blockSizes(version: number, level: Level): number[] {
  // Modules left for data once the function patterns, format and version areas are taken.
  const size = 17 + 4 * version;
  const alignment = version === 1 ? 0 : Math.floor(version / 7) + 2;
  const functionModules =
    192 +
    2 * (size - 16) +
    31 +
    (version >= 2 ? 25 * (alignment * alignment - 3) - 10 * (alignment - 2) : 0) +
    (version >= 7 ? 36 : 0);
  const total = Math.floor((size * size - functionModules) / 8);
  const [ecPerBlock, blocks] = EC_TABLE[level][version - 1]!;
  const data = total - ecPerBlock * blocks;
  const long = data % blocks;
  return Array.from({ length: blocks }, (_, i) =>
    i < blocks - long ? Math.floor(data / blocks) : Math.floor(data / blocks) + 1,
  );
}

// [EC codewords per block, number of blocks] for versions 1-40 (ISO/IEC 18004, table 9).
const EC_TABLE: Record<Level, Array<[number, number]>> = {
  L: [
    7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30,
    26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ].map((ec, i) => [
    ec,
    [
      1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14,
      15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ][i]!,
  ]),
  M: [
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  ].map((ec, i) => [
    ec,
    [
      1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
      26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ][i]!,
  ]),
  Q: [
    13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30,
    30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ].map((ec, i) => [
    ec,
    [
      1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34,
      34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ][i]!,
  ]),
  H: [
    17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ].map((ec, i) => [
    ec,
    [
      1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37,
      40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ][i]!,
  ]),
};

class Bits {
  private at = 0;
  constructor(private readonly bytes: number[]) {}
  get left(): number {
    return this.bytes.length * 8 - this.at;
  }
  read(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++, this.at++) {
      value = (value << 1) | ((this.bytes[this.at >> 3]! >> (7 - (this.at & 7))) & 1);
    }
    return value;
  }
}

export function readQrText(matrix: QrMatrix): string {
  const size = matrix.length;
  const version = (size - 17) / 4;
  if (!Number.isInteger(version) || version < 1 || version > 40) throw new Error('not a QR size');
  const layout = findLayout(matrix, version);
  const masked = MASKS[layout.mask]!;
  const codewords: number[] = [];
  let current = 0;
  let count = 0;
  let up = true;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (let i = 0; i < size; i++) {
      const row = up ? size - 1 - i : i;
      for (let c = 0; c < 2; c++) {
        if (layout.reserved(row, col - c)) continue;
        const bit = matrix[row]![col - c]! !== masked(row, col - c);
        current = (current << 1) | (bit ? 1 : 0);
        if (++count === 8) {
          codewords.push(current);
          current = 0;
          count = 0;
        }
      }
    }
    up = !up;
  }
  const sizes = blockSizes(version, layout.level);
  const blocks: number[][] = sizes.map(() => []);
  let next = 0;
  for (let i = 0; i < Math.max(...sizes); i++) {
    sizes.forEach((n, b) => {
      if (i < n) blocks[b]!.push(codewords[next++]!);
    });
  }
  const bits = new Bits(blocks.flat());
  const band = version < 10 ? 0 : version < 27 ? 1 : 2;
  let text = '';
  while (bits.left >= 4) {
    const mode = bits.read(4);
    if (mode === 0) break;
    if (mode === 1) {
      let n = bits.read([10, 12, 14][band]!);
      for (; n >= 3; n -= 3) text += String(bits.read(10)).padStart(3, '0');
      if (n === 2) text += String(bits.read(7)).padStart(2, '0');
      if (n === 1) text += String(bits.read(4));
    } else if (mode === 2) {
      let n = bits.read([9, 11, 13][band]!);
      for (; n >= 2; n -= 2) {
        const v = bits.read(11);
        text += ALPHANUMERIC[Math.floor(v / 45)]! + ALPHANUMERIC[v % 45]!;
      }
      if (n === 1) text += ALPHANUMERIC[bits.read(6)]!;
    } else if (mode === 4) {
      const n = bits.read([8, 16, 16][band]!);
      text += Buffer.from(Array.from({ length: n }, () => bits.read(8))).toString('utf8');
    } else {
      throw new Error(`unsupported QR mode ${mode}`);
    }
  }
  return text;
}
