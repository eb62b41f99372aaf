/**
 * Downloads the files that came with a message, each within the account's size cap. Discord
 * announces every attachment's size, so oversized files are skipped without a download; the
 * stream is still capped in case a server says less than it sends.
 */
import type { InboundMedia } from '../contract.js';

export interface AttachmentRef {
  url: string;
  name: string;
  size: number;
  contentType: string | null;
}

const DOWNLOAD_TIMEOUT_MS = 60_000;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function downloadAttachments(
  attachments: readonly AttachmentRef[],
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ media: InboundMedia[]; skipped: string[] }> {
  const media: InboundMedia[] = [];
  const skipped: string[] = [];
  for (const attachment of attachments) {
    if (attachment.size > maxBytes) {
      skipped.push(
        `${attachment.name} (${megabytes(attachment.size)}, over the ${megabytes(maxBytes)} limit)`,
      );
      continue;
    }
    try {
      const response = await fetch(attachment.url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]),
      });
      if (!response.ok) {
        await response.body?.cancel();
        skipped.push(`${attachment.name} (download failed: HTTP ${response.status})`);
        continue;
      }
      const data = await readCapped(response, maxBytes);
      if (!data) {
        skipped.push(`${attachment.name} (over the ${megabytes(maxBytes)} limit)`);
        continue;
      }
      media.push({
        data,
        mimeType:
          attachment.contentType ??
          response.headers.get('content-type') ??
          'application/octet-stream',
        fileName: attachment.name,
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'failed';
      skipped.push(`${attachment.name} (download ${reason})`);
    }
  }
  return { media, skipped };
}
