// The QR renderings against the `qrcode` package's own module matrix: terminal blocks read back
// module for module, the PNG is a real PNG of the expected size, the data URL stays within the
// protocol's cap for a WhatsApp-sized payload, and the PNG reader recovers the same matrix.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodePng, qrMatrixFromDataUrl, qrMatrixFromPng } from './png-matrix.js';
import { readQrText } from './qr-read.js';
import {
  QR_DATA_URL_MAX_CHARS,
  QR_MARGIN,
  qrDataUrl,
  qrMatrix,
  qrPng,
  renderQrBlocks,
  renderQrText,
  writeQrPngFile,
  type QrMatrix,
} from './qr-code.js';

// Shaped like a WhatsApp link QR: ref, noise key, identity key, adv secret, platform.
const WHATSAPP_LIKE = [
  `2@${'Q3xV9kLmT0pR7sWz'.repeat(5)}`,
  'aGVsbG8tbm9pc2Uta2V5LWJhc2U2NC1ieXRlcy0xMjM0NTY3OA==',
  'aWRlbnRpdHkta2V5LWJhc2U2NC1ieXRlcy0xMjM0NTY3ODkwYWI=',
  'YWR2LXNlY3JldC1iYXNlNjQtYnl0ZXMtMTIzNDU2Nzg5MGFiY2Q=',
  'WA',
].join(',');

/** What `qrcode` itself says the modules are (the reference every rendering is checked against). */
function referenceModules(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, r) =>
    Array.from({ length: modules.size }, (_, c) => modules.get(r, c) === 1),
  );
}

/** Reads terminal blocks back into "drawn" cells (two per character, top then bottom). */
function readBlocks(text: string): boolean[][] {
  const cells: boolean[][] = [];
  for (const line of text.split('\n')) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (const ch of line) {
      expect(['█', '▀', '▄', ' ']).toContain(ch);
      top.push(ch === '█' || ch === '▀');
      bottom.push(ch === '█' || ch === '▄');
    }
    cells.push(top, bottom);
  }
  return cells;
}

describe('qr matrix and terminal blocks', () => {
  it('matches qrcode’s modules for the WhatsApp-sized payload', () => {
    expect(WHATSAPP_LIKE.length).toBeGreaterThan(230);
    const matrix = qrMatrix(WHATSAPP_LIKE);
    expect(matrix).toEqual(referenceModules(WHATSAPP_LIKE));
    expect((matrix.length - 17) % 4).toBe(0);
  });

  for (const blocks of ['light', 'dark'] as const) {
    it(`draws every module (blocks = ${blocks} modules) with the quiet zone`, () => {
      const text = 'https://openclaw.ai/pair?code=ABCD2345';
      const reference = referenceModules(text);
      const size = reference.length;
      const rendered = renderQrBlocks(qrMatrix(text), { blocks });
      expect(rendered.includes('\u001b')).toBe(false); // plain TTY: no escape codes
      const lines = rendered.split('\n');
      expect(lines).toHaveLength(Math.ceil((size + 2 * QR_MARGIN) / 2));
      for (const line of lines) expect([...line]).toHaveLength(size + 2 * QR_MARGIN);
      const cells = readBlocks(rendered);
      for (let r = 0; r < size + 2 * QR_MARGIN; r++) {
        for (let c = 0; c < size + 2 * QR_MARGIN; c++) {
          const inside =
            r >= QR_MARGIN && c >= QR_MARGIN && r < size + QR_MARGIN && c < size + QR_MARGIN;
          const dark = inside ? reference[r - QR_MARGIN]![c - QR_MARGIN]! : false;
          expect(cells[r]![c], `module ${r},${c}`).toBe(blocks === 'light' ? !dark : dark);
        }
      }
      // An odd padded height leaves the last half row undrawn (terminal background).
      if ((size + 2 * QR_MARGIN) % 2 === 1) {
        expect(cells[size + 2 * QR_MARGIN]!.every((cell) => !cell)).toBe(true);
      }
    });
  }

  it('refuses empty text', () => {
    expect(() => renderQrText('')).toThrow(/needs some text/);
  });
});

describe('qr png and data url', () => {
  it('writes a valid PNG of the expected size that reads back to the same modules', async () => {
    const png = await qrPng(WHATSAPP_LIKE, 8);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    const size = referenceModules(WHATSAPP_LIKE).length;
    expect(png.readUInt32BE(16)).toBe((size + 2 * QR_MARGIN) * 8); // IHDR width
    expect(png.readUInt32BE(20)).toBe((size + 2 * QR_MARGIN) * 8); // IHDR height
    const image = decodePng(png);
    expect(image.dark(0, 0)).toBe(false); // quiet zone
    expect(image.dark(QR_MARGIN * 8, QR_MARGIN * 8)).toBe(true); // finder corner
    expect(qrMatrixFromPng(png)).toEqual(referenceModules(WHATSAPP_LIKE));
  });

  it('keeps the data URL within the protocol cap and readable', async () => {
    const url = await qrDataUrl(WHATSAPP_LIKE);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(url.length).toBeLessThanOrEqual(QR_DATA_URL_MAX_CHARS);
    expect(qrMatrixFromDataUrl(url)).toEqual(referenceModules(WHATSAPP_LIKE));
  });

  it('reads PNGs made with a fractional scale (a fixed pixel width)', async () => {
    const text = 'fractional scale check 0123456789';
    const fractional = await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', width: 333 });
    expect(qrMatrixFromPng(fractional)).toEqual(referenceModules(text));
  });

  it('says what is wrong with an image that is not a QR code', async () => {
    expect(() => qrMatrixFromPng(Buffer.from('not a png'))).toThrow(/not a PNG/);
    expect(() => qrMatrixFromDataUrl('data:image/jpeg;base64,AAAA')).toThrow(/data:image\/png/);
    const blank = await QRCode.toBuffer('x', { color: { dark: '#ffffffff' } });
    expect(() => qrMatrixFromPng(blank)).toThrow(/no QR code/);
  });

  it('saves the PNG readable by its owner only', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-qr-'));
    try {
      const file = path.join(dir, 'whatsapp', 'default', 'login-qr.png');
      await writeQrPngFile(file, await qrPng('hello'));
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
      expect(qrMatrixFromPng(await fs.readFile(file))).toEqual(referenceModules('hello'));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('reading a QR back (the test phone)', () => {
  it('reads numeric, alphanumeric, byte and UTF-8 payloads at every level', async () => {
    const texts = [
      WHATSAPP_LIKE,
      '0123456789012',
      'HELLO WORLD 42',
      'grüße ✓ 1234567 ABC',
      'x'.repeat(900),
    ];
    for (const text of texts) {
      for (const level of ['L', 'M', 'Q', 'H'] as const) {
        const png = await QRCode.toBuffer(text, { errorCorrectionLevel: level, width: 400 });
        expect(readQrText(qrMatrixFromPng(png))).toBe(text);
      }
    }
  });
});
