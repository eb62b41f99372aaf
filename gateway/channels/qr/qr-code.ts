/**
 * A QR code as the channels show it: the module matrix, terminal blocks that work on a plain TTY
 * (no colours, no escape codes: `docker compose run` and log captures keep them), a PNG file and a
 * PNG data URL small enough for `web.login.wait`'s `currentQrDataUrl` (16384 characters at most).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import QRCode from 'qrcode';

/** Rows of modules, `true` = dark; square, without the quiet zone. */
export type QrMatrix = boolean[][];

/** The protocol's cap on `currentQrDataUrl`; a data URL we hand out must fit in it. */
export const QR_DATA_URL_MAX_CHARS = 16_384;

/** Quiet-zone width (modules) around the code in every rendering. */
export const QR_MARGIN = 2;

export function qrMatrix(text: string): QrMatrix {
  if (text.length === 0) throw new Error('a QR code needs some text to encode');
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const rows: QrMatrix = [];
  for (let r = 0; r < modules.size; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < modules.size; c++) row.push(modules.get(r, c) === 1);
    rows.push(row);
  }
  return rows;
}

export interface BlockOptions {
  /**
   * `light` (default): blocks are the light modules, which suits the usual light-on-dark terminal
   * (the block shows in the text colour, the gaps in the dark background, so the code is dark on
   * light as scanners expect). `dark`: blocks are the dark modules, for dark-on-light terminals.
   */
  blocks?: 'light' | 'dark';
}

/**
 * Two module rows per text line with half blocks (▀ ▄ █), so the code stays roughly square and
 * fits an 80x24 terminal for WhatsApp-sized payloads.
 */
export function renderQrBlocks(matrix: QrMatrix, options: BlockOptions = {}): string {
  const drawLight = (options.blocks ?? 'light') === 'light';
  const size = matrix.length;
  const full = size + QR_MARGIN * 2;
  // Inside the quiet zone every module is light; outside the padded square nothing is drawn.
  const drawn = (r: number, c: number): boolean => {
    if (r >= full) return false;
    const mr = r - QR_MARGIN;
    const mc = c - QR_MARGIN;
    const dark = mr >= 0 && mc >= 0 && mr < size && mc < size ? matrix[mr]![mc]! : false;
    return drawLight ? !dark : dark;
  };
  const lines: string[] = [];
  for (let r = 0; r < full; r += 2) {
    let line = '';
    for (let c = 0; c < full; c++) {
      const top = drawn(r, c);
      const bottom = drawn(r + 1, c);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n');
}

export function renderQrText(text: string, options: BlockOptions = {}): string {
  return renderQrBlocks(qrMatrix(text), options);
}

/** A PNG of `text`, `scale` pixels per module (black on white, the quiet zone included). */
export async function qrPng(text: string, scale = 8): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: QR_MARGIN,
    scale,
  });
}

/**
 * A PNG data URL of `text` within QR_DATA_URL_MAX_CHARS: it starts at 6 pixels per module and
 * steps down for long payloads (a phone still reads 3 pixels per module on a screen).
 */
export async function qrDataUrl(text: string): Promise<string> {
  for (const scale of [6, 5, 4, 3]) {
    const url = `data:image/png;base64,${(await qrPng(text, scale)).toString('base64')}`;
    if (url.length <= QR_DATA_URL_MAX_CHARS) return url;
  }
  throw new Error(
    `the QR payload (${text.length} characters) is too long for a ${QR_DATA_URL_MAX_CHARS}-character data URL`,
  );
}

/** Writes a PNG readable by its owner only (a login QR is a credential for a minute). */
export async function writeQrPngFile(file: string, png: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, png, { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}
