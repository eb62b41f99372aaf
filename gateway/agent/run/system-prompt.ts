/**
 * The system prompt of an agent run: who the assistant is, its tools by name, the workspace
 * folder, the workspace's bootstrap files (see workspace-files.ts) and today's date. Stable parts
 * come first and the date last, so providers that cache a prompt prefix keep reusing it; the
 * date changes once a day, the time of day not at all (a per-minute clock would defeat caching,
 * as upstream found).
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import type { Logger } from '../../infra/logger.js';
import {
  bootstrapLimits,
  readWorkspaceFiles,
  seedWorkspace,
  type WorkspaceFile,
} from './workspace-files.js';

export interface SystemPromptInput {
  workspace: string;
  toolNames: string[];
  files: WorkspaceFile[];
  now: Date;
  /** IANA zone (`agents.defaults.userTimezone`); default: the gateway's own. */
  timeZone?: string;
}

const INTRO = [
  'You are a personal assistant running inside OpenClaw.',
  'Answer directly and concisely.',
].join(' ');

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** Formatters by zone: building one costs more than the rest of the prompt (ICU data). */
const formatters = new Map<string, { zone: string; format: Intl.DateTimeFormat }>();

function formatterFor(timeZone: string | undefined) {
  const key = timeZone ?? '';
  let entry = formatters.get(key);
  if (!entry) {
    const zone = validZone(timeZone) ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    entry = { zone, format };
    if (formatters.size > 32) formatters.clear();
    formatters.set(key, entry);
  }
  return entry;
}

export function describeDate(now: Date, timeZone?: string): string {
  const { zone, format } = formatterFor(timeZone);
  return `Today is ${format.format(now)} (time zone ${zone}).`;
}

export function buildSystemPrompt(input: SystemPromptInput): string {
  const parts: string[] = [INTRO];
  if (input.toolNames.length > 0) {
    parts.push(
      [
        '## Tools',
        `You can use these tools: ${input.toolNames.join(', ')}.`,
        'Use them to act in the workspace instead of describing what you would do, and check results before saying something is done.',
      ].join('\n'),
    );
  } else {
    parts.push('## Tools\nNo tools are enabled for this agent; answer from the conversation.');
  }
  parts.push(
    [
      '## Workspace',
      `Your workspace folder is ${input.workspace}. Tools work relative to it; keep your work inside it.`,
    ].join('\n'),
  );
  if (input.files.length > 0) {
    const sections = input.files.map((file) => `### ${file.name}\n${file.content}`);
    const cut = input.files.filter((f) => f.truncated).map((f) => f.name);
    parts.push(
      [
        '## Workspace files',
        'These files from the workspace describe how to work, who you are and who you help. Follow them unless the user says otherwise in this conversation.',
        ...(cut.length > 0
          ? [
              `Some files were too long and are shortened here (${cut.join(', ')}); read them with your tools when the missing part matters.`,
            ]
          : []),
        ...sections,
      ].join('\n\n'),
    );
  }
  parts.push(`## Date\n${describeDate(input.now, input.timeZone)}`);
  return parts.join('\n\n');
}

/** A run's prompt: seeds a brand-new workspace, reads its files; a file problem never stops the run. */
export async function systemPromptForRun(
  config: OpenClawConfig,
  workspace: string,
  toolNames: string[],
  log: Logger,
  /** The workspace as the tools see it, when that differs (a sandbox's `/workspace`). */
  workspaceShown?: string,
  /**
   * Where the bootstrap files are read: the folder the tools act in (a sandbox's own copy with
   * `workspaceAccess` none or ro, which the agent may have edited); default `workspace`.
   */
  filesDir?: string,
): Promise<string> {
  let files: WorkspaceFile[] = [];
  try {
    const seeded = await seedWorkspace(workspace, config);
    if (seeded.length > 0) log.info('workspace created with starter files', { workspace, seeded });
    files = await readWorkspaceFiles(filesDir ?? workspace, bootstrapLimits(config));
  } catch (err) {
    log.warn('workspace files not read', { workspace, error: String(err) });
  }
  const timeZone = config.agents?.defaults?.userTimezone;
  return buildSystemPrompt({
    workspace: workspaceShown ?? workspace,
    toolNames,
    files,
    now: new Date(),
    ...(timeZone ? { timeZone } : {}),
  });
}
