/**
 * The small shape every tool here is built from: typed parameters, a text result, and the
 * signal of the run so a stopped run stops its tool.
 */
import type { Static, TSchema } from '@mariozechner/pi-ai';
import type { AgentTool, AgentToolResult } from '@mariozechner/pi-agent-core';

export type ToolResult = AgentToolResult<Record<string, unknown>>;

export function textResult(value: string, details: Record<string, unknown> = {}): ToolResult {
  return { content: [{ type: 'text', text: value }], details };
}

export function defineTool<P extends TSchema>(
  name: string,
  label: string,
  description: string,
  parameters: P,
  execute: (params: Static<P>, signal?: AbortSignal) => Promise<ToolResult>,
): AgentTool {
  const tool: AgentTool<P, Record<string, unknown>> = {
    name,
    label,
    description,
    parameters,
    execute: (_id, params, signal) => execute(params, signal),
  };
  return tool as unknown as AgentTool;
}
