/**
 * Cutting an answer into messages a channel accepts: at most `limit` characters (UTF-16 units,
 * what Telegram and Discord count) and, for Discord, at most `maxLines` lines each. Cuts prefer a
 * paragraph break, then a line break, then a space, so words and lines stay whole where they can.
 */

function cutPoint(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  const window = text.slice(0, limit);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator);
    // A cut in the first third would make many tiny messages; cut hard instead.
    if (at > limit / 3) return at + separator.length;
  }
  // Never split a surrogate pair (an emoji) in two.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

function byLines(text: string, maxLines: number): number {
  let seen = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '\n') {
      seen += 1;
      if (seen === maxLines) return i + 1;
    }
  }
  return text.length;
}

export function chunkText(text: string, limit: number, maxLines?: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  const size = Math.max(1, Math.floor(limit));
  while (rest.length > 0) {
    let end = cutPoint(rest, size);
    if (maxLines && maxLines > 0) end = Math.min(end, byLines(rest, maxLines));
    const chunk = rest.slice(0, end).trimEnd();
    if (chunk.length > 0) chunks.push(chunk);
    rest = rest.slice(end).trimStart();
  }
  return chunks;
}
