/**
 * The `apply_patch` format: `*** Begin Patch`, then file operations, then `*** End Patch`.
 *
 *   *** Add File: <path>        followed by the new content, every line starting with `+`
 *   *** Delete File: <path>
 *   *** Update File: <path>     optionally `*** Move to: <path>` on the next line, then hunks:
 *   @@ [context]                starts a hunk; lines ` ctx`, `-old`, `+new`; an optional
 *                               `*** End of File` ends a hunk that reaches the end of the file
 *
 * Parsing only checks the shape; whether hunks fit the files is the applier's job. Errors name
 * the patch line, so the model can fix exactly that line.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';

export interface PatchHunk {
  /** The text after `@@`, a line to find before the hunk's lines (may be empty). */
  context: string;
  /** Lines the file has now (context and removed), in order. */
  oldLines: string[];
  /** Lines the file gets (context and added), in order. */
  newLines: string[];
  /** The hunk ends at the end of the file. */
  endOfFile: boolean;
  /** 1-based line of the hunk's `@@` (or first line) in the patch, for messages. */
  patchLine: number;
}

export type PatchOp =
  | { kind: 'add'; path: string; content: string; patchLine: number }
  | { kind: 'delete'; path: string; patchLine: number }
  | { kind: 'update'; path: string; moveTo?: string; hunks: PatchHunk[]; patchLine: number };

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File: ';
const DELETE = '*** Delete File: ';
const UPDATE = '*** Update File: ';
const MOVE = '*** Move to: ';
const EOF_MARK = '*** End of File';

function bad(line: number, why: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `The patch is malformed at line ${line}: ${why}. A patch runs from "${BEGIN}" to "${END}" with "${ADD}", "${DELETE}" or "${UPDATE}" sections.`,
  );
}

function pathOf(line: string, prefix: string, at: number): string {
  const value = line.slice(prefix.length).trim();
  if (value === '') throw bad(at, `"${prefix.trim()}" has no path`);
  return value;
}

export function parsePatch(input: string): PatchOp[] {
  const lines = input.replace(/\r\n/g, '\n').split('\n');
  // Models often wrap the patch in blank lines or a heredoc; only the markers matter.
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === '') last--;
  if (lines[first]?.trim() !== BEGIN) throw bad(first + 1, `the first line must be "${BEGIN}"`);
  if (last <= first || lines[last]?.trim() !== END)
    throw bad(last + 1, `the last line must be "${END}"`);

  const ops: PatchOp[] = [];
  let i = first + 1;
  while (i < last) {
    const line = lines[i]!;
    const at = i + 1;
    if (line.startsWith(ADD)) {
      const path = pathOf(line, ADD, at);
      const body: string[] = [];
      i++;
      while (i < last && lines[i]!.startsWith('+')) body.push(lines[i++]!.slice(1));
      ops.push({
        kind: 'add',
        path,
        content: body.length ? `${body.join('\n')}\n` : '',
        patchLine: at,
      });
    } else if (line.startsWith(DELETE)) {
      ops.push({ kind: 'delete', path: pathOf(line, DELETE, at), patchLine: at });
      i++;
    } else if (line.startsWith(UPDATE)) {
      const path = pathOf(line, UPDATE, at);
      i++;
      let moveTo: string | undefined;
      if (i < last && lines[i]!.startsWith(MOVE)) moveTo = pathOf(lines[i]!, MOVE, i + 1);
      if (moveTo !== undefined) i++;
      const hunks: PatchHunk[] = [];
      let hunk: PatchHunk | undefined;
      while (i < last && !lines[i]!.startsWith('*** ')) {
        const l = lines[i]!;
        if (l.startsWith('@@')) {
          hunk = {
            context: l.slice(2).trim(),
            oldLines: [],
            newLines: [],
            endOfFile: false,
            patchLine: i + 1,
          };
          hunks.push(hunk);
        } else {
          if (!hunk) {
            // The first hunk may leave out its `@@` line.
            hunk = { context: '', oldLines: [], newLines: [], endOfFile: false, patchLine: i + 1 };
            hunks.push(hunk);
          }
          const mark = l[0];
          const text = l.slice(1);
          if (l === '' || mark === ' ') {
            hunk.oldLines.push(text);
            hunk.newLines.push(text);
          } else if (mark === '-') hunk.oldLines.push(text);
          else if (mark === '+') hunk.newLines.push(text);
          else
            throw bad(
              i + 1,
              `a hunk line must start with " ", "-" or "+" (found "${l.slice(0, 20)}")`,
            );
        }
        i++;
        if (i < last && lines[i]!.trim() === EOF_MARK) {
          if (!hunk) throw bad(i + 1, `"${EOF_MARK}" outside a hunk`);
          hunk.endOfFile = true;
          i++;
        }
      }
      const empty = hunks.find((h) => h.oldLines.length === 0 && h.newLines.length === 0);
      if (empty) throw bad(empty.patchLine, 'the hunk has no lines');
      if (hunks.length === 0 && moveTo === undefined)
        throw bad(at, `"${UPDATE}${path}" has no hunks`);
      ops.push({
        kind: 'update',
        path,
        ...(moveTo !== undefined ? { moveTo } : {}),
        hunks,
        patchLine: at,
      });
    } else if (line.trim() === '') {
      i++;
    } else {
      throw bad(at, `expected a file header, found "${line.slice(0, 40)}"`);
    }
  }
  if (ops.length === 0) throw bad(first + 1, 'the patch changes no file');
  return ops;
}
