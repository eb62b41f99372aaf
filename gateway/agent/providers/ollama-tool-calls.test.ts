/**
 * Tool calls on the Ollama path (`/v1` OpenAI-compatible route): Ollama sends each tool call
 * whole in one chunk, and some versions end with finish_reason "stop" instead of "tool_calls".
 * The real pi-ai client and pi-agent-core must still run the tool, not print it as text.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, type AgentTool } from '@mariozechner/pi-agent-core';
import { Type } from '@mariozechner/pi-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandInStyle } from '../../testing/openai-stand-in.js';
import { ModelProviders } from './model-providers.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-ollama-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe.each<OpenAiStandInStyle>(['ollama', 'ollama-stop'])(
  'Ollama-style stream (%s)',
  (style) => {
    it('runs the tool call and continues the turn', async () => {
      const ollama = await startOpenAiStandIn({ apiKey: 'ollama-local', style });
      try {
        ollama.script.enqueue(
          {
            reply: 'tool',
            calls: [{ name: 'exec', arguments: { command: 'ls -la', timeout: 30 } }],
          },
          { reply: 'text', text: 'The folder has two files.' },
        );
        const providers = await ModelProviders.create({
          config: {
            models: {
              providers: {
                ollama: {
                  baseUrl: ollama.baseUrl,
                  apiKey: 'ollama-local',
                  api: 'openai-completions',
                  models: [{ id: 'qwen3:8b', contextWindow: 32768 }],
                },
              },
            },
            agents: { defaults: { model: 'ollama/qwen3:8b' } },
          },
          env: {},
          paths: { agentsDir: path.join(dir, 'agents') },
        });
        const parameters = Type.Object({
          command: Type.String(),
          timeout: Type.Optional(Type.Number()),
        });
        const commands: string[] = [];
        const exec: AgentTool<typeof parameters> = {
          name: 'exec',
          label: 'Exec',
          description: 'Run a command',
          parameters,
          execute: async (_id, params) => {
            commands.push(params.command);
            return { content: [{ type: 'text', text: 'a.txt\nb.txt' }], details: {} };
          },
        };
        const agent = new Agent({
          streamFn: providers.streamFn({ defaults: { maxRetries: 0 } }),
          initialState: {
            systemPrompt: 'You run commands.',
            model: providers.resolve('ollama/qwen3:8b').model,
            tools: [exec as unknown as AgentTool],
          },
        });
        await agent.prompt('list the folder');
        await agent.waitForIdle();

        expect(commands).toEqual(['ls -la']);
        const messages = agent.state.messages as Array<{ role: string; content: unknown }>;
        expect(messages.map((m) => m.role)).toEqual([
          'user',
          'assistant',
          'toolResult',
          'assistant',
        ]);
        // The call was a tool call, not text that looks like one.
        expect(JSON.stringify(messages[1]!.content)).toContain('"type":"toolCall"');
        expect(JSON.stringify(messages[3]!.content)).toContain('The folder has two files.');
        expect(JSON.stringify(ollama.requests.at(-1)!.body)).toContain('a.txt');
      } finally {
        await ollama.close();
      }
    });
  },
);
