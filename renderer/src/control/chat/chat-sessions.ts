/**
 * `sessions.list` and `models.list` answers as the Chat page uses them: titles, previews, model
 * and token counters per conversation; the models a person can pick.
 */
import { isRecord, optNumber, optString } from '../connection/hello.js';

export interface ChatSessionRow {
  key: string;
  title: string;
  preview?: string;
  updatedAt: number | null;
  /** `provider/model` the next run uses, when known. */
  modelRef?: string;
  totalTokens?: number;
  inputTokens?: number;
  outputTokens?: number;
  contextTokens?: number;
}

export interface ChatSessionList {
  sessions: ChatSessionRow[];
  defaultModelRef?: string;
  defaultContextTokens?: number;
}

/** `agent:main:chat-3f9a…` → a readable fallback title when the conversation has no text yet. */
export function keyTitle(key: string): string {
  const rest = key.replace(/^agent:[^:]+:/, '');
  if (rest === 'main') return 'Main conversation';
  if (rest.startsWith('chat-')) return 'New chat';
  return rest;
}

/** A one-line preview without the Markdown emphasis and code marks it was written with. */
export function plainPreview(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const plain = text
    .replace(/```\w*/g, ' ')
    .replace(/(\*\*|__|`|~~)/g, '')
    .replace(/(^|\s)#{1,6}\s/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return plain === '' ? undefined : plain;
}

function ref(provider: string | undefined, model: string | undefined): string | undefined {
  if (!model) return undefined;
  return provider && !model.includes('/') ? `${provider}/${model}` : model;
}

export function parseChatSessions(raw: unknown): ChatSessionList {
  const v = isRecord(raw) ? raw : {};
  const sessions = (Array.isArray(v.sessions) ? v.sessions : []).filter(isRecord).flatMap((r) => {
    const key = optString(r.key);
    if (!key) return [];
    const row: ChatSessionRow = {
      key,
      title:
        optString(r.label) ??
        optString(r.derivedTitle) ??
        optString(r.displayName) ??
        keyTitle(key),
      preview: plainPreview(optString(r.lastMessagePreview)),
      updatedAt: optNumber(r.updatedAt) ?? null,
      modelRef: ref(optString(r.modelProvider), optString(r.model)),
      totalTokens: optNumber(r.totalTokens),
      inputTokens: optNumber(r.inputTokens),
      outputTokens: optNumber(r.outputTokens),
      contextTokens: optNumber(r.contextTokens),
    };
    return [row];
  });
  const defaults = isRecord(v.defaults) ? v.defaults : {};
  return {
    sessions,
    defaultModelRef: ref(optString(defaults.modelProvider), optString(defaults.model)),
    defaultContextTokens: optNumber(defaults.contextTokens),
  };
}

export interface ModelOption {
  ref: string;
  name: string;
  provider: string;
  available: boolean;
  contextWindow?: number;
}

export function parseModels(raw: unknown): ModelOption[] {
  const v = isRecord(raw) ? raw : {};
  return (Array.isArray(v.models) ? v.models : []).filter(isRecord).flatMap((m) => {
    const id = optString(m.id);
    const provider = optString(m.provider);
    if (!id || !provider) return [];
    return [
      {
        ref: `${provider}/${id}`,
        name: optString(m.name) ?? id,
        provider,
        available: m.available !== false,
        contextWindow: optNumber(m.contextWindow),
      },
    ];
  });
}
