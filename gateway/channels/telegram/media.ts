/**
 * Inbound files: `getFile` names the file's path on the Bot API server, and
 * `<apiRoot>/file/bot<token>/<file_path>` serves its bytes. Both steps respect the account's
 * size cap; anything left out is described in words for the agent.
 */
import type { Api } from 'grammy';
import type { InboundMedia } from '../contract.js';
import type { MediaRef } from './inbound.js';
import { grammySignal } from './bot-fetch.js';
import { describeError } from './redact.js';

export interface MediaFetchContext {
  api: Api;
  apiRoot: string;
  token: string;
  maxBytes: number;
  signal: AbortSignal;
}

export type MediaOutcome = { ok: true; media: InboundMedia } | { ok: false; skipped: string };

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function tooLarge(ref: MediaRef, size: number | undefined, maxBytes: number): string {
  const name = ref.fileName ? ` "${ref.fileName}"` : '';
  const known = size !== undefined ? ` (${megabytes(size)})` : '';
  return `${ref.kind}${name}${known} is larger than the ${megabytes(maxBytes)} limit (mediaMaxMb)`;
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer | 'too-large'> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return 'too-large';
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Downloads one file, or says why it was left out. */
export async function fetchMedia(ref: MediaRef, context: MediaFetchContext): Promise<MediaOutcome> {
  const { maxBytes } = context;
  if (ref.fileSize !== undefined && ref.fileSize > maxBytes)
    return { ok: false, skipped: tooLarge(ref, ref.fileSize, maxBytes) };
  try {
    const file = await context.api.getFile(ref.fileId, grammySignal(context.signal));
    if (file.file_size !== undefined && file.file_size > maxBytes)
      return { ok: false, skipped: tooLarge(ref, file.file_size, maxBytes) };
    if (!file.file_path)
      return {
        ok: false,
        skipped: `${ref.kind}: Telegram offers no download for it (over 20 MB?)`,
      };
    const path = file.file_path.split('/').map(encodeURIComponent).join('/');
    const response = await fetch(`${context.apiRoot}/file/bot${context.token}/${path}`, {
      signal: context.signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, skipped: `${ref.kind}: download failed (${response.status})` };
    }
    const data = await readCapped(response, maxBytes);
    if (data === 'too-large')
      return { ok: false, skipped: tooLarge(ref, file.file_size, maxBytes) };
    const media: InboundMedia = { data, mimeType: ref.mimeType };
    const fileName = ref.fileName ?? file.file_path.split('/').pop();
    if (fileName) media.fileName = fileName;
    return { ok: true, media };
  } catch (error) {
    return {
      ok: false,
      skipped: `${ref.kind}: download failed (${describeError(error, context.token)})`,
    };
  }
}
