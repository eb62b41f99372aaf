/**
 * Slash commands in chat messages (`/new`, `/reset`, `/stop`, `/model <ref>`, `/status`,
 * `/compact [focus]`),
 * interpreted by the gateway instead of being sent to the model. Each runs as a run of its own
 * (same idempotency, same terminal `chat` event and lifecycle), answered by a short assistant
 * note that is not written to the transcript.
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { emptyUsage, type AssistantMessage, type SessionStore } from '../../sessions/index.js';

export type SlashCommandName = 'new' | 'reset' | 'stop' | 'model' | 'status' | 'compact';

export interface SlashCommand {
  name: SlashCommandName;
  arg: string;
}

const NAMES = new Set<string>(['new', 'reset', 'stop', 'model', 'status', 'compact']);

/** The command in a message, when the whole message is one (`/model openai/gpt-4.1`). */
export function parseSlashCommand(message: string): SlashCommand | undefined {
  const match = /^\/([a-z]+)(?:\s+([\s\S]*))?$/i.exec(message.trim());
  if (!match) return undefined;
  const name = match[1]!.toLowerCase();
  if (!NAMES.has(name)) return undefined;
  return { name: name as SlashCommandName, arg: (match[2] ?? '').trim() };
}

export function commandNote(text: string): AssistantMessage {
  return {
    role: 'assistant',
    content: [{ type: 'text', text }],
    api: 'openclaw',
    provider: 'openclaw',
    model: 'gateway',
    usage: emptyUsage(),
    stopReason: 'stop',
    timestamp: Date.now(),
  };
}

/** Carry out a command for a session; returns the note to answer with. */
export async function runSlashCommand(
  sessions: SessionStore,
  sessionKey: string,
  command: SlashCommand,
  changed: (sessionKey: string, reason: string) => void,
): Promise<string> {
  switch (command.name) {
    case 'compact':
      // Needs the model: the run carries it out (see compaction.ts) before reaching here.
      throw new OpenClawError(ErrorCode.INTERNAL, '/compact is handled by the agent run.');
    case 'stop':
      // The runs were aborted when the command arrived (it does not wait its turn for that).
      return 'Stopped.';
    case 'new':
    case 'reset': {
      const result = await sessions.reset(sessionKey, command.name);
      changed(result.key, command.name);
      return 'Started a new session. The previous conversation is kept on disk.';
    }
    case 'model': {
      if (command.arg === '') {
        const { entry } = await sessions.get(sessionKey);
        const current = entry?.modelOverride
          ? `${entry.providerOverride ? `${entry.providerOverride}/` : ''}${entry.modelOverride}`
          : 'the agent default';
        return `This session uses ${current}. Change it with /model <provider/model>, or /model default.`;
      }
      const value = command.arg === 'default' ? null : command.arg;
      if (value !== null && !/^[\w.:@-]+(\/[\w.:@/-]+)?$/.test(value)) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `"${command.arg}" is not a model reference; use provider/model, e.g. /model openai/gpt-4.1-mini.`,
        );
      }
      const result = await sessions.patch(sessionKey, { model: value });
      changed(result.key, 'patch');
      return value === null
        ? 'This session uses the agent default model again.'
        : `This session now uses ${value}.`;
    }
    case 'status': {
      const { key, entry } = await sessions.get(sessionKey);
      if (!entry) return `Session ${key.key}: no messages yet.`;
      const model = entry.model
        ? `${entry.modelProvider ? `${entry.modelProvider}/` : ''}${entry.model}`
        : 'not used yet';
      return [
        `Session ${key.key} (${entry.sessionId})`,
        `Model: ${model}${entry.modelOverride ? ` (override: ${entry.modelOverride})` : ''}`,
        `Tokens: ${entry.inputTokens ?? 0} in, ${entry.outputTokens ?? 0} out, context ${entry.contextTokens ?? 0}`,
        `Compactions: ${entry.compactionCount ?? 0}`,
      ].join('\n');
    }
  }
}
