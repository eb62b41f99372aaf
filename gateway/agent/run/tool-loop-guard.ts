/**
 * Loop detection for one run (on by default): a model that repeats the same tool call with the
 * same arguments after it failed, or keeps repeating an identical call, is stopped with a clear
 * tool result instead of burning tokens until the context is full.
 */
import type {
  AfterToolCallContext,
  BeforeToolCallContext,
  BeforeToolCallResult,
} from '@mariozechner/pi-agent-core';

export interface ToolLoopLimits {
  /** The same failing call may be tried this many times; the next is blocked. */
  sameFailure: number;
  /** The same call (any outcome) may run this many times in one run. */
  sameCall: number;
}

export const DEFAULT_TOOL_LOOP_LIMITS: ToolLoopLimits = { sameFailure: 3, sameCall: 8 };

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same call. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export class ToolLoopGuard {
  private readonly failures = new Map<string, number>();
  private readonly calls = new Map<string, number>();

  constructor(private readonly limits: ToolLoopLimits = DEFAULT_TOOL_LOOP_LIMITS) {}

  private key(name: string, args: unknown): string {
    return `${name}\u0000${stable(args)}`;
  }

  before(
    context: Pick<BeforeToolCallContext, 'toolCall' | 'args'>,
  ): BeforeToolCallResult | undefined {
    const name = context.toolCall.name;
    const key = this.key(name, context.args);
    const failed = this.failures.get(key) ?? 0;
    if (failed >= this.limits.sameFailure) {
      return {
        block: true,
        reason: `Stopped: this exact ${name} call already failed ${failed} times in this run. Do not repeat it; change the arguments or tell the user what is wrong.`,
      };
    }
    const count = this.calls.get(key) ?? 0;
    if (count >= this.limits.sameCall) {
      return {
        block: true,
        reason: `Stopped: this exact ${name} call already ran ${count} times in this run. Use the results you have, or tell the user what is missing.`,
      };
    }
    this.calls.set(key, count + 1);
    return undefined;
  }

  after(context: Pick<AfterToolCallContext, 'toolCall' | 'args' | 'isError'>): void {
    const key = this.key(context.toolCall.name, context.args);
    if (context.isError) this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    else this.failures.delete(key);
  }
}
