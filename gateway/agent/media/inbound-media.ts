/**
 * Inbound media: files that arrive with a message (chat attachments today, channel media next)
 * are saved under `media/inbound/` of the workspace the session's tools act in — the sandbox's
 * own folder for a sandboxed session, else the agent workspace — so the agent can open them with
 * its tools, not only look at them. Names are the content's hash: the same image sent twice is one
 * file, and no sender-chosen name ever reaches the file system. Writes go through the workspace's
 * confined target, so a planted `media` symlink cannot send them elsewhere.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LocalWorkspaceTarget } from '../../tools/local-target.js';

export const INBOUND_MEDIA_DIR = 'media/inbound';

export interface InboundFile {
  /** The bytes, or base64 as attachments carry them. */
  data: Uint8Array | string;
  mimeType: string;
}

export interface StagedFile {
  /** Relative to the workspace root, e.g. `media/inbound/3f2a…c1.png`. */
  relativePath: string;
  mimeType: string;
  bytes: number;
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'video/mp4': 'mp4',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};

function extensionOf(mimeType: string): string {
  return EXTENSIONS[mimeType.toLowerCase()] ?? 'bin';
}

/** Saves each file under `media/inbound/` of `workspaceDir`; returns where, in order. */
export async function stageInboundMedia(
  workspaceDir: string,
  files: readonly InboundFile[],
): Promise<StagedFile[]> {
  const target = new LocalWorkspaceTarget(workspaceDir);
  const staged: StagedFile[] = [];
  for (const file of files) {
    const bytes =
      typeof file.data === 'string' ? Buffer.from(file.data, 'base64') : Buffer.from(file.data);
    const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.${extensionOf(file.mimeType)}`;
    const relativePath = path.posix.join(INBOUND_MEDIA_DIR, name);
    await target.writeFile(relativePath, bytes);
    staged.push({ relativePath, mimeType: file.mimeType, bytes: bytes.length });
  }
  return staged;
}

/** The system prompt's note for this run: where the latest message's files are. */
export function inboundMediaNote(staged: readonly StagedFile[], workspaceShown: string): string {
  if (staged.length === 0) return '';
  const lines = staged.map((f) => `- ${f.relativePath} (${f.mimeType}, ${f.bytes} bytes)`);
  return [
    '',
    '## Files attached to the latest message',
    `Saved in the workspace (${workspaceShown}), readable with your tools:`,
    ...lines,
  ].join('\n');
}
