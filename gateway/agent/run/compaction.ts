/**
 * Compaction (`sessions.compact`, `/compact`): the older part of a session's context is
 * summarised by the session's model and a `compaction` entry is appended to the transcript, so
 * the next run sees the summary plus the recent messages kept verbatim. The transcript is only
 * appended to, never rewritten: the full history stays on disk. A provider failure writes
 * nothing. Runs inside the run registry, so it never overlaps a run of the same session.
 */
import type { ConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import {
  DEFAULT_KEEP_RECENT_TOKENS,
  estimateContextTokens,
  planCompaction,
  planTruncation,
  textOf,
  type Message,
  type SessionStore,
} from '../../sessions/index.js';
import { ModelProviders } from '../providers/model-providers.js';
import { pickModel } from './model-choice.js';

export interface CompactionDeps {
  sessions: SessionStore;
  config(): ConfigSnapshot;
  env: Env;
  paths: StatePaths;
  logger: Logger;
}

export interface CompactionRequest {
  sessionKey: string;
  /** Focus for the summary (`/compact <instructions>`). */
  instructions?: string;
  /** Keep the last N messages and drop the rest without a summary (no model call). */
  maxLines?: number;
  signal?: AbortSignal;
}

export type CompactionResult =
  | { compacted: true; tokensBefore: number; tokensAfter: number; kept: number }
  | { compacted: false; reason: string };

/** Operator focus is data for the prompt, not instructions to it; capped as upstream does. */
const MAX_FOCUS_CHARS = 800;
/** A tool result or tool call argument longer than this is cut in the summariser's input. */
const MAX_TOOL_TEXT = 2000;
const SUMMARY_MAX_TOKENS = 4096;

const SUMMARY_SYSTEM_PROMPT = [
  'You write the memory of a conversation between a user and an AI assistant that can use tools.',
  'The assistant will continue the conversation with only your summary and the most recent messages,',
  'so keep what it needs: the user’s goals and preferences, decisions made, facts learned, files and',
  'commands involved (exact paths, names, ids, numbers), work completed, and anything still open.',
  'Write plain prose and short lists. Do not address the user and do not invent details.',
].join(' ');

function clip(text: string, max: number): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)} […${text.length - max} more characters]`;
}

/** The messages as plain text with role labels; images are named, never sent as pixels. */
export function renderForSummary(messages: Message[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      const images =
        typeof message.content === 'string'
          ? 0
          : message.content.filter((b) => b.type === 'image').length;
      lines.push(`User: ${textOf(message)}${images ? ` [${images} image(s) not shown]` : ''}`);
    } else if (message.role === 'assistant') {
      const text = textOf(message);
      if (text) lines.push(`Assistant: ${text}`);
      for (const block of message.content) {
        if (block.type === 'toolCall') {
          lines.push(
            `Assistant called tool ${block.name}: ${clip(JSON.stringify(block.arguments ?? {}), MAX_TOOL_TEXT)}`,
          );
        }
      }
      if (message.stopReason === 'error' && message.errorMessage) {
        lines.push(`(The answer failed: ${message.errorMessage})`);
      }
    } else {
      lines.push(
        `Tool ${message.toolName} ${message.isError ? 'failed' : 'returned'}: ${clip(textOf(message), MAX_TOOL_TEXT)}`,
      );
    }
  }
  return lines.join('\n\n');
}

function summaryPrompt(previous: string | undefined, body: string, focus?: string): string {
  const parts: string[] = [];
  if (previous) parts.push(`<earlier-summary>\n${previous}\n</earlier-summary>`);
  parts.push(`<conversation>\n${body}\n</conversation>`);
  if (focus) {
    parts.push(
      `<focus>\n${focus.slice(0, MAX_FOCUS_CHARS).replace(/</g, '&lt;')}\n</focus>\nGive the focus above extra weight.`,
    );
  }
  parts.push(
    previous
      ? 'Write one summary covering the earlier summary and the conversation above.'
      : 'Summarise the conversation above.',
  );
  return parts.join('\n\n');
}

function keepRecentTokens(config: ConfigSnapshot): number {
  const compaction = config.config.agents?.defaults?.compaction as
    { keepRecentTokens?: unknown } | undefined;
  const value = compaction?.keepRecentTokens;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_KEEP_RECENT_TOKENS;
}

/** `agents.defaults.compaction.model`, else the model the session's runs use. */
function summaryModel(config: ConfigSnapshot): string | undefined {
  const compaction = config.config.agents?.defaults?.compaction as { model?: unknown } | undefined;
  return typeof compaction?.model === 'string' && compaction.model.includes('/')
    ? compaction.model
    : undefined;
}

export async function compactSession(
  deps: CompactionDeps,
  request: CompactionRequest,
): Promise<CompactionResult> {
  const existing = await deps.sessions.get(request.sessionKey);
  if (!existing.entry) return { compacted: false, reason: 'The session has no messages yet.' };
  const open = await deps.sessions.openSession(request.sessionKey);
  try {
    const context = open.transcript.contextEntries();
    const all = context.entries.map((e) => e.message);
    const tokensBefore = estimateContextTokens(all, context.compactionSummary);
    const snapshot = deps.config();
    const plan =
      request.maxLines !== undefined
        ? planTruncation(context.entries, request.maxLines)
        : planCompaction(context.entries, keepRecentTokens(snapshot));
    if (plan.kind === 'nothing') return { compacted: false, reason: plan.reason };

    let summary: string;
    if (request.maxLines !== undefined) {
      // Dropped, not summarised: the model is told that something came before.
      summary = `${context.compactionSummary ? `${context.compactionSummary}\n\n` : ''}(${plan.summarize.length} earlier messages were dropped from the context without a summary.)`;
    } else {
      const providers = await ModelProviders.fromSnapshot(
        snapshot,
        deps.env,
        deps.paths,
        open.agentId,
      );
      const override = summaryModel(snapshot);
      const picked = override ? { ref: override, strict: true } : pickModel(providers, open, {});
      const events = providers.stream(
        {
          systemPrompt: SUMMARY_SYSTEM_PROMPT,
          messages: [
            {
              role: 'user',
              content: summaryPrompt(
                context.compactionSummary,
                renderForSummary(plan.summarize.map((e) => e.message)),
                request.instructions,
              ),
              timestamp: Date.now(),
            },
          ],
        },
        {
          ...(picked.strict ? { model: picked.ref } : {}),
          maxTokens: SUMMARY_MAX_TOKENS,
          ...(request.signal ? { signal: request.signal } : {}),
        },
      );
      let step = await events.next();
      while (!step.done) step = await events.next();
      const answer = step.value.message;
      summary = textOf(answer).trim();
      if (answer.stopReason === 'aborted' || request.signal?.aborted) {
        throw new OpenClawError(ErrorCode.CANCELLED, 'Compaction was stopped; nothing changed.');
      }
      if (answer.stopReason === 'error' || summary === '') {
        const why = answer.errorMessage ?? 'the model returned an empty summary';
        throw new OpenClawError(
          (step.value.attempts.at(-1)?.code as ErrorCode | undefined) ?? ErrorCode.REQUEST_FAILED,
          `Compaction failed: ${why} The session is unchanged; try again later or with another model.`,
        );
      }
    }
    await open.transcript.appendCompaction({
      summary,
      firstKeptEntryId: plan.firstKeptEntryId,
      tokensBefore,
    });
    const tokensAfter = estimateContextTokens(
      plan.kept.map((e) => e.message),
      summary,
    );
    await deps.sessions.recordCompaction(open.key, tokensAfter);
    deps.logger.info('session compacted', {
      sessionKey: open.key,
      tokensBefore,
      tokensAfter,
      summarised: plan.summarize.length,
      kept: plan.kept.length,
    });
    return { compacted: true, tokensBefore, tokensAfter, kept: plan.kept.length };
  } finally {
    open.release();
  }
}

/** `/compact [focus]` in a chat: the note the command answers with. */
export async function compactCommand(
  deps: CompactionDeps & { sessionsChanged(sessionKey: string, reason: string): void },
  sessionKey: string,
  signal: AbortSignal,
  focus: string,
): Promise<string> {
  const result = await compactSession(deps, {
    sessionKey,
    signal,
    ...(focus ? { instructions: focus } : {}),
  });
  if (!result.compacted) return `Nothing to compact: ${result.reason}`;
  deps.sessionsChanged(sessionKey, 'compact');
  return `Compacted the conversation: about ${result.tokensBefore} tokens of context became ${result.tokensAfter} (a summary and the last ${result.kept} messages). The full history stays on disk.`;
}
