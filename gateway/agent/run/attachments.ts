/**
 * Attachments of `chat.send` and `agent` (`attachments: [{ type?, mimeType, fileName?, content }]`
 * with `content` base64 or a `data:` URL): checked once at the edge and turned into pi image
 * blocks, which the transcript stores and the providers send as the user's images. Only the
 * image types the model providers accept pass; the bytes must be what the type says.
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { OpenClawConfig } from '../../config/config-types.js';
import type { ImageContent } from '../../sessions/index.js';

/** Per image, decoded (what the providers accept; upstream's image ceiling). */
export const MAX_IMAGE_BYTES = 6 * 1024 * 1024;
/** All attachments of one message, decoded: as base64 they must still fit one 25 MiB frame. */
export const MAX_TOTAL_BYTES = 15 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

const IMAGE_TYPES: Record<string, { label: string; sniff(bytes: Buffer): boolean }> = {
  'image/png': {
    label: 'PNG',
    sniff: (b) =>
      b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  'image/jpeg': { label: 'JPEG', sniff: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/gif': { label: 'GIF', sniff: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  'image/webp': {
    label: 'WebP',
    sniff: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
};

const ACCEPTED = Object.values(IMAGE_TYPES)
  .map((t) => t.label)
  .join(', ');

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function refuse(message: string): never {
  throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, message);
}

/** `agents.defaults.mediaMaxMb` lowers the per-image ceiling; it never raises it past 6 MB. */
export function imageLimit(config: OpenClawConfig): number {
  const mediaMaxMb = config.agents?.defaults?.mediaMaxMb;
  return typeof mediaMaxMb === 'number' && mediaMaxMb > 0
    ? Math.min(MAX_IMAGE_BYTES, Math.floor(mediaMaxMb * 1024 * 1024))
    : MAX_IMAGE_BYTES;
}

/** Image blocks from a call's `attachments`; throws INVALID_ARGUMENT saying which and why. */
export function parseAttachments(raw: unknown, maxImageBytes = MAX_IMAGE_BYTES): ImageContent[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) refuse('attachments must be a list of { mimeType, content } objects.');
  if (raw.length > MAX_ATTACHMENTS) {
    refuse(
      `${raw.length} attachments in one message; the limit is ${MAX_ATTACHMENTS}. Send them over several messages.`,
    );
  }
  let total = 0;
  return raw.map((item: unknown, index) => {
    const a = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const name =
      typeof a.fileName === 'string' && a.fileName !== ''
        ? `Attachment ${index + 1} (${a.fileName})`
        : `Attachment ${index + 1}`;
    let content = typeof a.content === 'string' ? a.content.trim() : '';
    let mimeType = typeof a.mimeType === 'string' ? a.mimeType.toLowerCase().trim() : '';
    const dataUrl = /^data:([^;,]+)(;base64)?,/i.exec(content);
    if (dataUrl) {
      if (!dataUrl[2]) refuse(`${name} is a data: URL without base64; send it base64-encoded.`);
      mimeType ||= dataUrl[1]!.toLowerCase();
      content = content.slice(dataUrl[0].length);
    }
    if (content === '')
      refuse(`${name} has no content; send the file's bytes as base64 in content.`);
    if (mimeType === 'image/jpg') mimeType = 'image/jpeg';
    const kind = IMAGE_TYPES[mimeType];
    if (!kind) {
      refuse(
        `${name} is ${mimeType || 'of no stated type'}; only images (${ACCEPTED}) can be sent to the model. Put other files in the agent workspace and ask the agent to read them.`,
      );
    }
    content = content.replace(/\s+/g, '');
    if (!BASE64.test(content)) refuse(`${name} is not valid base64.`);
    const size = Math.floor((content.length * 3) / 4) - (content.match(/=+$/)?.[0].length ?? 0);
    if (size > maxImageBytes) {
      refuse(
        `${name} is ${mb(size)}; images may be at most ${mb(maxImageBytes)}. Scale it down or send a smaller crop.`,
      );
    }
    total += size;
    if (total > MAX_TOTAL_BYTES) {
      refuse(
        `The attachments add up to more than ${mb(MAX_TOTAL_BYTES)}; send fewer or smaller images per message.`,
      );
    }
    if (!kind.sniff(Buffer.from(content.slice(0, 24), 'base64'))) {
      refuse(`${name} says ${mimeType} but its bytes are not a ${kind.label} image.`);
    }
    return { type: 'image', data: content, mimeType };
  });
}
