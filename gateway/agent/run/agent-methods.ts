/**
 * The protocol methods of agent runs (`chat.send`, `chat.abort`, `agent`, `agent.wait`) and
 * `sessions.compact` (it needs the session's model and its place in the run queue). This
 * file stays light: the runtime behind them (pi-agent-core, pi-ai, the tools) is loaded with
 * `import()` on the first call, so the gateway's cold start does not pay for it.
 */
import type { MethodHandler } from '../../server/gateway-server.js';
import { StagedResponse } from '../../server/types.js';
import type { AgentRuntime, AgentRuntimeDeps } from './agent-runtime.js';

export class AgentMethods {
  private runtime?: Promise<AgentRuntime>;
  private closed = false;

  constructor(private readonly deps: AgentRuntimeDeps) {}

  /** The runtime, loaded on first use. */
  load(): Promise<AgentRuntime> {
    this.runtime ??= import('./agent-runtime.js').then((m) => new m.AgentRuntime(this.deps));
    return this.runtime;
  }

  methods(): Array<[string, MethodHandler]> {
    return [
      [
        'chat.send',
        {
          validator: 'validateChatSendParams',
          handle: async (params) => (await this.load()).chatSend(params),
        },
      ],
      [
        'chat.abort',
        {
          validator: 'validateChatAbortParams',
          handle: async (params) => (await this.load()).chatAbort(params),
        },
      ],
      [
        'agent',
        {
          validator: 'validateAgentParams',
          handle: async (params) => {
            const { ack, final } = (await this.load()).agent(params);
            return new StagedResponse(ack, final);
          },
        },
      ],
      [
        'sessions.compact',
        {
          validator: 'validateSessionsCompactParams',
          handle: async (params) => (await this.load()).compact(params),
        },
      ],
      [
        'agent.wait',
        {
          validator: 'validateAgentWaitParams',
          handle: async (params) => (await this.load()).agentWait(params),
        },
      ],
    ];
  }

  /** Abort every run and wait for them to end (gateway shutdown); nothing to do if never loaded. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.runtime) await (await this.runtime).close();
  }
}
