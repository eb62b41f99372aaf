/**
 * The tools room's public surface: the tools a run gets for an agent's workspace, filtered by the
 * config's policy, over the local execution target (a sandbox target comes with the sandbox).
 */
import type { AgentTool } from '@mariozechner/pi-agent-core';
import type { OpenClawConfig } from '../config/config-types.js';
import { createApplyPatchTool } from './apply-patch-tool.js';
import { createExecTool, DEFAULT_EXEC, type ExecDefaults } from './exec-tool.js';
import type { ExecutionTarget } from './execution-target.js';
import { createFileTools } from './file-tools.js';
import { LocalWorkspaceTarget } from './local-target.js';
import { createProcessTool } from './process-tool.js';
import type { ProcessRegistry } from './process-registry.js';
import { resolveToolPolicy } from './tool-policy.js';

export type {
  DirEntry,
  ExecutionTarget,
  ProcessExit,
  ProcessHandle,
  ReadResult,
  SpawnOptions,
} from './execution-target.js';
export { LocalWorkspaceTarget } from './local-target.js';
export { SandboxTarget } from './sandbox-target.js';
export { createFileTools, capOutput, MAX_OUTPUT_CHARS } from './file-tools.js';
export { createExecTool, DEFAULT_EXEC, type ExecDefaults } from './exec-tool.js';
export { createProcessTool } from './process-tool.js';
export { createApplyPatchTool } from './apply-patch-tool.js';
export { ProcessRegistry, DEFAULT_PROCESS_LIMITS } from './process-registry.js';
export { childEnv } from './process-env.js';
export { resolveToolPolicy, TOOL_GROUPS, type ToolFilter } from './tool-policy.js';

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** `tools.exec.timeoutSeconds` and `tools.exec.backgroundMs`, as upstream names them. */
export function execDefaults(config: Pick<OpenClawConfig, 'tools'>): ExecDefaults {
  const exec = (config.tools?.exec ?? {}) as Record<string, unknown>;
  return {
    timeoutSeconds: positive(exec.timeoutSeconds, DEFAULT_EXEC.timeoutSeconds),
    yieldMs: positive(exec.backgroundMs, DEFAULT_EXEC.yieldMs),
  };
}

export function createWorkspaceTools(options: {
  workspace: string;
  config: Pick<OpenClawConfig, 'tools' | 'agents'>;
  agentId: string;
  /** The gateway's background processes; `exec` and `process` need it. */
  processes: ProcessRegistry;
  /** Where the tools act (default: the workspace folder on this machine). */
  target?: ExecutionTarget;
  /**
   * A sandboxed run: the sandbox's own gate (`tools.sandbox.tools`) applies on top of the policy;
   * background commands then run in the sandbox container, followed through sandboxd.
   */
  sandbox?: { allowed: (name: string) => boolean };
}): AgentTool[] {
  const general = resolveToolPolicy(options.config, options.agentId);
  const sandbox = options.sandbox;
  const allowed = (name: string) => general(name) && (!sandbox || sandbox.allowed(name));
  const target = options.target ?? new LocalWorkspaceTarget(options.workspace);
  const tools = [
    ...createFileTools(target),
    createApplyPatchTool(target),
    createExecTool({
      target,
      agentId: options.agentId,
      processes: options.processes,
      canBackground: allowed('process'),
      defaults: execDefaults(options.config),
    }),
    createProcessTool({ agentId: options.agentId, processes: options.processes }),
  ];
  return tools.filter((t) => allowed(t.name));
}
