/**
 * A WhatsApp QR as a PNG data URL for `web.login.*`. The protocol caps the URL the client sends
 * back at 16384 characters, so the image shrinks until it fits. `qrcode` loads on first use.
 */
export const MAX_QR_DATA_URL = 16_384;

export async function qrDataUrl(text: string): Promise<string> {
  const QRCode = await import('qrcode');
  for (const width of [320, 256, 200]) {
    const url = await QRCode.toDataURL(text, { margin: 1, width, errorCorrectionLevel: 'L' });
    if (url.length <= MAX_QR_DATA_URL) return url;
  }
  throw new Error('the QR code does not fit in a 16 KB image; try the login again');
}
