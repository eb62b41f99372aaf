/**
 * Read-only view of the per-agent session indexes (`agents/<id>/sessions/sessions.json`). The agent
 * runtime that writes them comes with its own issue; listing works on whatever is on disk now.
 */
import path from 'node:path';
import { readJsonFile } from '../infra/json-file.js';
import { agentSessionsDir, type StatePaths } from '../config/paths.js';

export interface SessionRow {
  key: string;
  kind: 'direct' | 'group' | 'global' | 'unknown';
  agentId: string;
  sessionId?: string;
  updatedAt: number | null;
  label?: string;
  displayName?: string;
  channel?: string;
  chatType?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

function kindOf(key: string, chatType: unknown): SessionRow['kind'] {
  if (key === 'global') return 'global';
  if (chatType === 'group' || chatType === 'room' || /:(group|channel|room):/.test(key))
    return 'group';
  if (key.startsWith('agent:')) return 'direct';
  return 'unknown';
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export async function readAgentSessions(
  paths: StatePaths,
  agentId: string,
): Promise<{ path: string; rows: SessionRow[] }> {
  const file = path.join(agentSessionsDir(paths, agentId), 'sessions.json');
  const raw = await readJsonFile<Record<string, unknown>>(file, {});
  const rows: SessionRow[] = [];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      if (!value || typeof value !== 'object') continue;
      const entry = value as Record<string, unknown>;
      rows.push({
        key,
        kind: kindOf(key, entry.chatType),
        agentId,
        sessionId: str(entry.sessionId),
        updatedAt: num(entry.updatedAt) ?? null,
        label: str(entry.label),
        displayName: str(entry.displayName),
        channel: str(entry.channel) ?? str(entry.provider),
        chatType: str(entry.chatType),
        model: str(entry.modelOverride) ?? str(entry.model),
        inputTokens: num(entry.inputTokens),
        outputTokens: num(entry.outputTokens),
        totalTokens: num(entry.totalTokens),
      });
    }
  }
  rows.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
  return { path: file, rows };
}
