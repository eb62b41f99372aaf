/**
 * The tools room's public surface: the tools a run gets for an agent's workspace, filtered by the
 * config's policy, over the local execution target (a sandbox target comes with the sandbox).
 */
import type { AgentTool } from '@mariozechner/pi-agent-core';
import type { OpenClawConfig } from '../config/config-types.js';
import { createFileTools } from './file-tools.js';
import { LocalWorkspaceTarget } from './local-target.js';
import { resolveToolPolicy } from './tool-policy.js';

export type { DirEntry, ExecutionTarget, ReadResult } from './execution-target.js';
export { LocalWorkspaceTarget } from './local-target.js';
export { createFileTools, capOutput, MAX_OUTPUT_CHARS } from './file-tools.js';
export { resolveToolPolicy, TOOL_GROUPS, type ToolFilter } from './tool-policy.js';

export function createWorkspaceTools(options: {
  workspace: string;
  config: Pick<OpenClawConfig, 'tools' | 'agents'>;
  agentId: string;
}): AgentTool[] {
  const allowed = resolveToolPolicy(options.config, options.agentId);
  return createFileTools(new LocalWorkspaceTarget(options.workspace)).filter((t) =>
    allowed(t.name),
  );
}
