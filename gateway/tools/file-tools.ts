/**
 * The workspace file tools (`read`, `write`, `edit`, `ls`) with upstream's parameters, over an
 * execution target. Output is capped so one call cannot flood the model's context; errors are
 * thrown with a plain message, which pi-agent-core turns into an error tool result the model
 * can act on.
 */
import { Type } from '@mariozechner/pi-ai';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { ExecutionTarget } from './execution-target.js';
import { defineTool as tool, textResult as text } from './tool-def.js';

/** Largest file `read`/`edit` load (bytes). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Most text one tool result carries (characters); the rest is cut with a note. */
export const MAX_OUTPUT_CHARS = 50_000;
/** Default and largest `read` line window. */
const DEFAULT_READ_LINES = 2000;
/** Most entries `ls` lists. */
const MAX_LS_ENTRIES = 500;

export function capOutput(
  value: string,
  max = MAX_OUTPUT_CHARS,
): { text: string; truncated: boolean } {
  if (value.length <= max) return { text: value, truncated: false };
  return {
    text: `${value.slice(0, max)}\n\n[output truncated: ${value.length - max} more characters; read a smaller range with offset/limit]`,
    truncated: true,
  };
}

const readParams = Type.Object({
  path: Type.String({ description: 'File path, relative to the workspace' }),
  offset: Type.Optional(Type.Integer({ minimum: 1, description: 'First line to read (1-based)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Most lines to read' })),
});

const writeParams = Type.Object({
  path: Type.String({ description: 'File path, relative to the workspace' }),
  content: Type.String({ description: 'The whole new content of the file' }),
});

const editParams = Type.Object({
  path: Type.String({ description: 'File path, relative to the workspace' }),
  edits: Type.Array(
    Type.Object({
      oldText: Type.String({ description: 'Exact text to replace; must occur exactly once' }),
      newText: Type.String({ description: 'Replacement text' }),
    }),
    { minItems: 1 },
  ),
});

const lsParams = Type.Object({
  path: Type.Optional(
    Type.String({ description: 'Folder, relative to the workspace (default: the workspace)' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Most entries to list' })),
});

export function createFileTools(target: ExecutionTarget): AgentTool[] {
  const read = tool(
    'read',
    'Read file',
    `Read a text file in the workspace. Returns at most ${DEFAULT_READ_LINES} lines; use offset and limit for more.`,
    readParams,
    async (params, signal) => {
      const file = await target.readFile(params.path, { maxBytes: MAX_FILE_BYTES, signal });
      const lines = file.text.split('\n');
      const start = (params.offset ?? 1) - 1;
      if (start > 0 && start >= lines.length) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `offset ${params.offset} is past the end of "${params.path}" (${lines.length} lines).`,
        );
      }
      const count = Math.min(params.limit ?? DEFAULT_READ_LINES, DEFAULT_READ_LINES);
      const window = lines.slice(start, start + count);
      let body = window.join('\n');
      const more = lines.length - (start + window.length);
      if (more > 0)
        body += `\n\n[${more} more lines; continue with offset ${start + window.length + 1}]`;
      const capped = capOutput(body);
      return text(capped.text, {
        path: params.path,
        lines: lines.length,
        truncated: capped.truncated || more > 0,
      });
    },
  );
  const write = tool(
    'write',
    'Write file',
    'Create or overwrite a file in the workspace with the given content (parent folders are created).',
    writeParams,
    async (params, signal) => {
      const { bytes } = await target.writeFile(params.path, params.content, { signal });
      return text(`Wrote ${bytes} bytes to ${params.path}.`, { path: params.path, bytes });
    },
  );
  const edit = tool(
    'edit',
    'Edit file',
    'Replace exact text in a file in the workspace. Each oldText must occur exactly once; edits apply in order.',
    editParams,
    async (params, signal) => {
      let content = (await target.readFile(params.path, { maxBytes: MAX_FILE_BYTES, signal })).text;
      params.edits.forEach((e, i) => {
        if (e.oldText === '')
          throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `edits[${i}].oldText is empty.`);
        const first = content.indexOf(e.oldText);
        if (first < 0) {
          throw new OpenClawError(
            ErrorCode.INVALID_ARGUMENT,
            `edits[${i}].oldText was not found in ${params.path}; read the file and copy the exact text.`,
          );
        }
        if (content.indexOf(e.oldText, first + 1) >= 0) {
          throw new OpenClawError(
            ErrorCode.INVALID_ARGUMENT,
            `edits[${i}].oldText occurs more than once in ${params.path}; include more surrounding text.`,
          );
        }
        content = content.slice(0, first) + e.newText + content.slice(first + e.oldText.length);
      });
      await target.writeFile(params.path, content, { signal });
      return text(`Applied ${params.edits.length} edit(s) to ${params.path}.`, {
        path: params.path,
        edits: params.edits.length,
      });
    },
  );
  const ls = tool(
    'ls',
    'List folder',
    'List the entries of a folder in the workspace (folders end with "/").',
    lsParams,
    async (params, signal) => {
      const dir = params.path && params.path.trim() !== '' ? params.path : '.';
      const entries = await target.list(dir, { signal });
      const limit = Math.min(params.limit ?? MAX_LS_ENTRIES, MAX_LS_ENTRIES);
      const shown = entries
        .slice(0, limit)
        .map((e) =>
          e.kind === 'dir' ? `${e.name}/` : e.kind === 'symlink' ? `${e.name}@` : e.name,
        );
      if (entries.length > limit) shown.push(`[${entries.length - limit} more entries]`);
      const capped = capOutput(shown.length > 0 ? shown.join('\n') : '(empty folder)');
      return text(capped.text, { path: dir, entries: entries.length });
    },
  );
  return [read, write, edit, ls];
}
