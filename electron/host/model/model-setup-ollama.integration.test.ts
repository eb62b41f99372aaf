/**
 * The Model step with Ollama on this computer: the probe (models, reachable from the container?),
 * the saved `/v1` config for the container, and tool calls through the gateway's agent loop with
 * exactly that config, all against a stand-in that answers as Ollama does.
 */
import { Agent, type AgentTool } from '@mariozechner/pi-agent-core';
import { Type } from '@mariozechner/pi-ai';
import { describe, expect, it } from 'vitest';
import { ModelProviders } from '../../../gateway/agent/providers/model-providers.js';
import { loadConfigSnapshot } from '../../../gateway/config/config-store.js';
import { closedTestPort } from '../../../gateway/testing/stand-in-server.js';
import { useModelFixture } from './testing/model-fixture.js';

const fx = useModelFixture();
const { ollama, setup } = fx;

describe('Ollama on this computer', () => {
  it('lists its models and says when the container cannot reach a loopback-only Ollama', async () => {
    const local = await ollama({ models: ['qwen3:8b', 'llama3.2:3b'] });
    // 127.0.0.2 stands in for the Docker bridge address: a server on 127.0.0.1 refuses it.
    const probe = await setup({ hostAddresses: () => ['127.0.0.2'] }).ollama(local.baseUrl);
    expect(probe).toMatchObject({ found: true, url: local.origin, containerReach: 'no' });
    expect(probe.models.map((m) => m.id)).toEqual(['qwen3:8b', 'llama3.2:3b']);
    expect(probe.hint).toContain('OLLAMA_HOST=0.0.0.0');

    const open = await ollama({ models: ['qwen3:8b'], host: '0.0.0.0' });
    const reachable = await setup({ hostAddresses: () => ['127.0.0.2'] }).ollama(open.origin);
    expect(reachable).toMatchObject({ found: true, containerReach: 'yes' });
    expect(reachable.hint).toBeUndefined();

    const port = await closedTestPort();
    const none = await setup().ollama(`http://127.0.0.1:${port}`);
    expect(none).toMatchObject({ found: false, models: [] });
    expect(none.hint).toContain('Is Ollama running?');
  });

  it('saves the /v1 route for the container, and the saved config runs tool calls', async () => {
    const local = await ollama({ models: ['qwen3:8b'], host: '0.0.0.0' });
    local.script.enqueue({ reply: 'text', text: 'Ollama here.' });
    const model = setup({ hostAddresses: () => ['127.0.0.2'] });
    const unknown = await model.test({
      kind: 'ollama',
      model: 'mistral:7b',
      baseUrl: local.origin,
    });
    expect(unknown).toMatchObject({
      ok: false,
      problem: { field: 'model', code: 'MODEL_NOT_FOUND' },
    });
    expect(!unknown.ok && unknown.problem.nextStep).toContain('ollama pull mistral:7b');

    const saved = await model.save({ kind: 'ollama', model: 'qwen3:8b', baseUrl: local.origin });
    expect(saved).toMatchObject({ ok: true, saved: true, answer: 'Ollama here.' });
    expect(saved.ok && saved.warning).toBeUndefined();
    const snapshot = await loadConfigSnapshot(fx.paths(), {});
    const entry = snapshot.config.models!.providers!.ollama!;
    expect(entry).toMatchObject({
      baseUrl: `http://host.docker.internal:${local.port}/v1`,
      api: 'openai-completions',
      apiKey: 'ollama-local',
      models: [{ id: 'qwen3:8b' }],
    });

    // The gateway's agent loop with exactly this config (seen from this computer) runs the tool.
    const providers = await ModelProviders.create({
      config: {
        ...snapshot.config,
        models: { providers: { ollama: { ...entry, baseUrl: local.baseUrl } } },
      },
      env: {},
      paths: fx.paths(),
    });
    local.script.enqueue(
      { reply: 'tool', calls: [{ name: 'ls', arguments: { path: '.' } }] },
      { reply: 'text', text: 'Two files.' },
    );
    const parameters = Type.Object({ path: Type.String() });
    const seen: string[] = [];
    const ls: AgentTool<typeof parameters> = {
      name: 'ls',
      label: 'List',
      description: 'List a folder',
      parameters,
      execute: async (_id, params) => (
        seen.push(params.path),
        { content: [{ type: 'text', text: 'a\nb' }], details: {} }
      ),
    };
    const agent = new Agent({
      streamFn: providers.streamFn({ defaults: { maxRetries: 0 } }),
      initialState: {
        systemPrompt: 'You list folders.',
        model: providers.resolve('ollama/qwen3:8b').model,
        tools: [ls as unknown as AgentTool],
      },
    });
    await agent.prompt('what is here?');
    await agent.waitForIdle();
    expect(seen).toEqual(['.']);
    expect(JSON.stringify(agent.state.messages.at(-1))).toContain('Two files.');
  });

  it('warns after a save when the container cannot reach a loopback-only Ollama', async () => {
    const local = await ollama({ models: ['qwen3:8b'] });
    local.script.enqueue({ reply: 'text', text: 'Ollama here.' });
    const saved = await setup({ hostAddresses: () => ['127.0.0.2'] }).save({
      kind: 'ollama',
      model: 'qwen3:8b',
      baseUrl: `localhost:${local.port}`,
    });
    expect(saved).toMatchObject({ ok: true, saved: true });
    expect(saved.ok && saved.warning).toContain('OLLAMA_HOST=0.0.0.0');
  });
});
