/**
 * `apply_patch {input}`: change several files in one call. The whole patch is checked first:
 * every path through the target's confinement, every file to add absent, every file to update
 * or delete present, every hunk found in its file. Only when all of that holds are files
 * written; if a write then fails, the files already changed are put back, so a call changes
 * everything or nothing.
 */
import path from 'node:path';
import { Type } from '@mariozechner/pi-ai';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { ErrorCode, OpenClawError, isOpenClawError } from '../infra/errors.js';
import type { ExecutionTarget } from './execution-target.js';
import { MAX_FILE_BYTES } from './file-tools.js';
import { parsePatch, type PatchHunk } from './patch-parse.js';
import { defineTool, textResult } from './tool-def.js';

const params = Type.Object({
  input: Type.String({
    description: 'The whole patch, from "*** Begin Patch" to "*** End Patch"',
  }),
});

function failed(where: string, why: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `apply_patch changed nothing: ${where}: ${why}`,
  );
}

/** First index at or after `from` where `pattern` matches, exactly, then ignoring trailing and then all surrounding whitespace. */
function seek(lines: string[], pattern: string[], from: number, atEnd: boolean): number {
  const norms: Array<(s: string) => string> = [(s) => s, (s) => s.trimEnd(), (s) => s.trim()];
  for (const norm of norms) {
    const matches = (i: number) => pattern.every((p, k) => norm(lines[i + k]!) === norm(p));
    if (atEnd) {
      const i = lines.length - pattern.length;
      if (i >= from && matches(i)) return i;
    }
    for (let i = from; i + pattern.length <= lines.length; i++) if (matches(i)) return i;
  }
  return -1;
}

function preview(lines: string[]): string {
  const shown = lines
    .slice(0, 3)
    .map((l) => JSON.stringify(l))
    .join(', ');
  return lines.length > 3 ? `${shown}, …` : shown;
}

function applyHunks(content: string, hunks: PatchHunk[], where: string): string {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const lines = content.split(/\r?\n/);
  const trailing = lines.at(-1) === '';
  if (trailing) lines.pop();
  const edits: Array<{ start: number; remove: number; insert: string[] }> = [];
  let cursor = 0;
  hunks.forEach((hunk, k) => {
    const label = `${where}, hunk ${k + 1} (patch line ${hunk.patchLine})`;
    if (hunk.context) {
      const at = seek(lines, [hunk.context], cursor, false);
      if (at < 0)
        throw failed(
          label,
          `the context line ${JSON.stringify(hunk.context)} after @@ is not in the file (after line ${cursor}). Read the file and copy the line exactly.`,
        );
      cursor = at + 1;
    }
    if (hunk.oldLines.length === 0) {
      // Only added lines: after the context line, or at the end without one.
      edits.push({ start: hunk.context ? cursor : lines.length, remove: 0, insert: hunk.newLines });
      return;
    }
    const at = seek(lines, hunk.oldLines, cursor, hunk.endOfFile);
    if (at < 0)
      throw failed(
        label,
        `the lines to change (${preview(hunk.oldLines)}) are not in the file${cursor > 0 ? ` after line ${cursor}` : ''}. Read the file and make the " " and "-" lines match it exactly.`,
      );
    edits.push({ start: at, remove: hunk.oldLines.length, insert: hunk.newLines });
    cursor = at + hunk.oldLines.length;
  });
  for (const e of edits.sort((a, b) => b.start - a.start))
    lines.splice(e.start, e.remove, ...e.insert);
  return lines.length === 0 ? '' : lines.join(eol) + (trailing ? eol : '');
}

/** What a path holds during the check: text, or null once the patch deletes it. */
type Planned = { content: string | null; patchPath: string };

export function createApplyPatchTool(target: ExecutionTarget): AgentTool {
  return defineTool(
    'apply_patch',
    'Apply patch',
    'Add, delete, update and move files in the workspace with one patch: "*** Begin Patch", then "*** Add File: p" (lines with +), "*** Delete File: p", or "*** Update File: p" (optional "*** Move to: q") with @@ hunks of " " context, "-" removed and "+" added lines, then "*** End Patch". All or nothing: if any hunk does not fit, no file changes.',
    params,
    async ({ input }, signal) => {
      const ops = parsePatch(input);
      const originals = new Map<string, string | null>(); // key -> content before the patch
      const planned = new Map<string, Planned>();
      const key = (p: string) => path.normalize(p);

      const current = async (p: string, where: string): Promise<string | null> => {
        const k = key(p);
        if (planned.has(k)) return planned.get(k)!.content;
        if (originals.has(k)) return originals.get(k)!;
        const stat = await target.stat(p);
        let content: string | null = null;
        if (stat) {
          if (stat.kind !== 'file')
            throw failed(
              where,
              `"${p}" is a ${stat.kind === 'dir' ? 'folder' : stat.kind}, not a file`,
            );
          content = (
            await target.readFile(p, { maxBytes: MAX_FILE_BYTES, ...(signal ? { signal } : {}) })
          ).text;
        }
        originals.set(k, content);
        return content;
      };

      for (const op of ops) {
        const where = `${op.kind === 'add' ? 'Add' : op.kind === 'delete' ? 'Delete' : 'Update'} File ${op.path} (patch line ${op.patchLine})`;
        try {
          if (op.kind === 'add') {
            if ((await current(op.path, where)) !== null)
              throw failed(
                where,
                `"${op.path}" already exists; delete it earlier in the patch or use Update File`,
              );
            planned.set(key(op.path), { content: op.content, patchPath: op.path });
          } else if (op.kind === 'delete') {
            if ((await current(op.path, where)) === null)
              throw failed(where, `"${op.path}" does not exist`);
            planned.set(key(op.path), { content: null, patchPath: op.path });
          } else {
            // The move target's confinement is checked before the hunks, so it is reported first.
            if (op.moveTo !== undefined) await target.stat(op.moveTo);
            const before = await current(op.path, where);
            if (before === null)
              throw failed(where, `"${op.path}" does not exist; use Add File to create it`);
            const after = applyHunks(before, op.hunks, `Update File ${op.path}`);
            if (op.moveTo !== undefined && key(op.moveTo) !== key(op.path)) {
              if ((await current(op.moveTo, where)) !== null)
                throw failed(
                  where,
                  `the move target "${op.moveTo}" already exists; delete it earlier in the patch`,
                );
              planned.set(key(op.path), { content: null, patchPath: op.path });
              planned.set(key(op.moveTo), { content: after, patchPath: op.moveTo });
            } else {
              planned.set(key(op.path), { content: after, patchPath: op.path });
            }
          }
        } catch (err) {
          // A refused path or unreadable file is reported with where it happened, and nothing changed.
          if (isOpenClawError(err) && !err.message.startsWith('apply_patch changed nothing'))
            throw new OpenClawError(
              err.code,
              `apply_patch changed nothing: ${where}: ${err.message}`,
              { cause: err },
            );
          throw err;
        }
      }

      // Everything fits: write, keeping what is needed to undo a half-applied patch.
      const done: Array<[string, Planned]> = [];
      try {
        for (const [k, plan] of planned) {
          if (signal?.aborted)
            throw new OpenClawError(ErrorCode.CANCELLED, 'The tool call was cancelled.');
          if (plan.content === null) {
            if (originals.get(k) !== null && originals.get(k) !== undefined)
              await target.removeFile(plan.patchPath);
          } else {
            await target.writeFile(plan.patchPath, plan.content);
          }
          done.push([k, plan]);
        }
      } catch (err) {
        const undoErrors: string[] = [];
        for (const [k, plan] of done.reverse()) {
          const before = originals.get(k);
          try {
            if (before === null || before === undefined) await target.removeFile(plan.patchPath);
            else await target.writeFile(plan.patchPath, before);
          } catch {
            undoErrors.push(plan.patchPath);
          }
        }
        const why = err instanceof Error ? err.message : String(err);
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          undoErrors.length === 0
            ? `apply_patch changed nothing: writing failed (${why}) and the files already written were restored.`
            : `apply_patch failed while writing (${why}) and could not restore ${undoErrors.join(', ')}; check those files.`,
          { cause: err },
        );
      }

      const summary = ops.map((op) =>
        op.kind === 'add'
          ? `A ${op.path}`
          : op.kind === 'delete'
            ? `D ${op.path}`
            : op.moveTo && key(op.moveTo) !== key(op.path)
              ? `R ${op.path} -> ${op.moveTo}`
              : `M ${op.path}`,
      );
      return textResult(`Applied the patch:\n${summary.join('\n')}`, { files: summary });
    },
  );
}
