/**
 * The Model step's host side against real parts: the config store and auth profiles in a temp
 * state dir, the real provider client (pi-ai through gateway/agent/providers) talking to a local
 * stand-in for an OpenAI-compatible server. Ollama: model-setup-ollama.integration.test.ts.
 */
import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfigSnapshot } from '../../../gateway/config/config-store.js';
import { closedTestPort } from '../../../gateway/testing/stand-in-server.js';
import { KEY, useModelFixture } from './testing/model-fixture.js';

const fx = useModelFixture();
const { openai, setup, writeConfig, profilesFile, exists } = fx;

describe('an OpenAI-compatible URL with a key', () => {
  it('tests, then saves the key as a 0600 auth profile and the container’s view of the URL', async () => {
    const server = await openai();
    server.script.enqueue(
      { reply: 'text', text: 'Hello from the stand-in.' },
      { reply: 'text', text: 'Saved and working.' },
    );
    const before = await writeConfig({
      gateway: { mode: 'local', port: 18789 },
      agents: {
        defaults: {
          model: { primary: 'anthropic/claude-sonnet-4-5', fallbacks: ['openai/gpt-4.1'] },
        },
      },
    });
    const model = setup();
    const input = {
      kind: 'custom' as const,
      model: 'llama-3.1-8b',
      baseUrl: ` ${server.baseUrl} `,
      apiKey: `  ${KEY}\n`,
      providerId: 'my-llm',
    };

    const tested = await model.test(input);
    expect(tested).toMatchObject({
      ok: true,
      ref: 'my-llm/llama-3.1-8b',
      answer: 'Hello from the stand-in.',
    });
    // Testing writes nothing.
    expect(await fs.readFile(fx.paths().configPath, 'utf8')).toBe(before);
    expect(await exists(profilesFile())).toBe(false);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);

    const saved = await model.save(input);
    expect(saved).toMatchObject({ ok: true, saved: true, answer: 'Saved and working.' });
    const port = new URL(server.baseUrl).port;
    expect(saved.ok && saved.where).toBe(
      `The app tested http://127.0.0.1:${port}/v1 from this computer; the gateway in Docker uses http://host.docker.internal:${port}/v1 to reach the same server.`,
    );
    const snapshot = await loadConfigSnapshot(fx.paths(), {});
    expect(snapshot.valid).toBe(true);
    expect(snapshot.parsed).toMatchObject({
      gateway: { mode: 'local', port: 18789 },
      models: {
        providers: {
          'my-llm': {
            baseUrl: `http://host.docker.internal:${port}/v1`,
            api: 'openai-completions',
            models: [{ id: 'llama-3.1-8b' }],
          },
        },
      },
      agents: {
        defaults: { model: { primary: 'my-llm/llama-3.1-8b', fallbacks: ['openai/gpt-4.1'] } },
      },
    });
    expect(snapshot.raw).not.toContain(KEY);
    const stat = await fs.stat(profilesFile());
    expect(stat.mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(profilesFile(), 'utf8'))).toMatchObject({
      profiles: { 'my-llm:default': { type: 'api_key', key: KEY } },
    });

    const view = await model.view();
    expect(view.current).toMatchObject({
      ref: 'my-llm/llama-3.1-8b',
      kind: 'custom',
      keyHint: 'sk-test-…WXYZ',
      hostUrl: `http://127.0.0.1:${port}/v1`,
    });
    expect(JSON.stringify(view)).not.toContain(KEY);
  });

  it('a wrong key: the provider’s refusal in plain words, nothing saved, no key in the message', async () => {
    const server = await openai();
    const before = await writeConfig({ gateway: { mode: 'local' } });
    const wrong = 'sk-wrong-0000000000000000abcd';
    const result = await setup().save({
      kind: 'custom',
      model: 'm1',
      baseUrl: server.baseUrl,
      apiKey: wrong,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatchObject({
      field: 'apiKey',
      code: 'PROVIDER_AUTH_FAILED',
      message: 'OpenAI-compatible URL refused the key (HTTP 401).',
    });
    expect(result.problem.nextStep).toContain('Check the key');
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(await fs.readFile(fx.paths().configPath, 'utf8')).toBe(before);
    expect(await exists(profilesFile())).toBe(false);
  });

  it('an edit of openclaw.json during the test wins: nothing saved, the new key taken back', async () => {
    const server = await openai();
    server.script.enqueue({ reply: 'text', text: 'Slow answer.', delayMs: 150 });
    await writeConfig({ gateway: { mode: 'local' } });
    const saving = setup().save({
      kind: 'custom',
      model: 'm1',
      baseUrl: server.baseUrl,
      apiKey: KEY,
    });
    // Someone (the gateway, the Control UI) saves the config while the model is answering.
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const edited = await writeConfig({ gateway: { mode: 'local', port: 18800 } });
    const result = await saving;
    expect(result).toMatchObject({ ok: false, problem: { code: 'CONFIG_CONFLICT' } });
    expect(!result.ok && result.problem.nextStep).toContain('Save again');
    expect(await fs.readFile(fx.paths().configPath, 'utf8')).toBe(edited);
    expect(await exists(profilesFile())).toBe(false);
  });

  it('connection refused names the address and asks whether the server runs', async () => {
    const port = await closedTestPort();
    const result = await setup().test({
      kind: 'custom',
      model: 'm1',
      baseUrl: `http://localhost:${port}/v1`,
    });
    expect(result).toMatchObject({
      ok: false,
      problem: {
        field: 'baseUrl',
        code: 'PROVIDER_UNREACHABLE',
        message: `Nothing answered at http://localhost:${port}/v1.`,
      },
    });
  });

  it('a server that never answers times out with a plain message', async () => {
    const server = await openai();
    server.script.enqueue({ reply: 'hang' });
    const result = await setup({ timeoutMs: 300 }).test({
      kind: 'custom',
      model: 'm1',
      baseUrl: server.baseUrl,
      apiKey: KEY,
    });
    expect(result).toMatchObject({
      ok: false,
      problem: {
        code: 'PROVIDER_TIMEOUT',
        message: 'OpenAI-compatible URL did not answer in time.',
      },
    });
    expect(!result.ok && result.problem.nextStep).toContain('load the first time');
  });

  it('a model the server does not have is a model problem', async () => {
    const server = await openai();
    server.script.enqueue({ reply: 'error', status: 404 });
    const result = await setup().test({
      kind: 'custom',
      model: 'nope',
      baseUrl: server.baseUrl,
      apiKey: KEY,
    });
    expect(result).toMatchObject({
      ok: false,
      problem: { field: 'model', code: 'MODEL_NOT_FOUND' },
    });
  });
});

describe('a built-in provider', () => {
  it('keeps a stored key, refuses a model it does not know and asks for a missing key', async () => {
    const model = setup();
    expect(await model.test({ kind: 'openai', model: 'gpt-4.1-mini' })).toMatchObject({
      ok: false,
      problem: { field: 'apiKey', message: 'Paste your OpenAI API key.' },
    });
    expect(await model.test({ kind: 'openai', model: 'gpt-99', apiKey: KEY })).toMatchObject({
      ok: false,
      problem: { field: 'model', code: 'MODEL_NOT_FOUND' },
    });
    expect(
      await model.test({ kind: 'openai', model: 'gpt-4.1-mini', apiKey: 'sk-abc def-123456' }),
    ).toMatchObject({
      ok: false,
      problem: { field: 'apiKey' },
    });
  });

  it('saves the key and the primary, keeping the provider’s own settings (a proxy URL here)', async () => {
    const server = await openai();
    server.script.enqueue({ reply: 'text', text: 'Hi.' }, { reply: 'text', text: 'Hi again.' });
    // A proxy in front of OpenAI that speaks Chat Completions (the stand-in serves no Responses API).
    await writeConfig({
      models: {
        providers: {
          openai: {
            baseUrl: server.baseUrl,
            api: 'openai-completions',
            apiKey: 'sk-old-key-in-config-0000',
          },
        },
      },
    });
    const model = setup();
    const saved = await model.save({ kind: 'openai', model: 'gpt-4.1-mini', apiKey: KEY });
    expect(saved.ok ? saved : saved.problem).toMatchObject({ ok: true, saved: true });
    const snapshot = await loadConfigSnapshot(fx.paths(), {});
    // The config key would shadow the new one in the auth profile: it goes.
    expect(snapshot.parsed).toEqual({
      models: { providers: { openai: { baseUrl: server.baseUrl, api: 'openai-completions' } } },
      agents: { defaults: { model: { primary: 'openai/gpt-4.1-mini' } } },
    });
    // Settings later: an empty key field keeps the stored key.
    expect(
      await model.test({ kind: 'openai', model: 'gpt-4.1-mini', apiKey: '   ' }),
    ).toMatchObject({ ok: true, answer: 'Hi again.' });
    expect((await model.view()).current).toMatchObject({
      kind: 'openai',
      keyHint: 'sk-test-…WXYZ',
      keySource: 'stored for the gateway',
    });
  });

  it('keeps ${VAR} references the app cannot resolve (they live in the container’s environment)', async () => {
    const server = await openai();
    server.script.enqueue({ reply: 'text', text: 'Hi.' });
    await writeConfig({
      env: { vars: { REGION: 'eu' } },
      gateway: { mode: 'local', auth: { mode: 'token', token: '${OPENCLAW_GATEWAY_TOKEN}' } },
    });
    const saved = await setup().save({
      kind: 'custom',
      model: 'm1',
      baseUrl: server.baseUrl,
      apiKey: KEY,
    });
    expect(saved).toMatchObject({ ok: true, saved: true });
    const raw = await fs.readFile(fx.paths().configPath, 'utf8');
    expect(raw).toContain('${OPENCLAW_GATEWAY_TOKEN}');
    expect(raw).toContain('"REGION": "eu"');
  });

  it('an unreadable config is reported and left as it is', async () => {
    await fs.writeFile(fx.paths().configPath, '{ broken', { mode: 0o600 });
    const result = await setup().save({ kind: 'openai', model: 'gpt-4.1-mini', apiKey: KEY });
    expect(result).toMatchObject({ ok: false, problem: { code: 'CONFIG_INVALID' } });
    expect(await fs.readFile(fx.paths().configPath, 'utf8')).toBe('{ broken');
    expect(await exists(profilesFile())).toBe(false);
  });

  it('before setup there is nothing to write into', async () => {
    await fs.rm(fx.paths().stateDir, { recursive: true });
    expect(await setup().view()).toEqual({ ready: false });
    expect(
      await setup().save({ kind: 'openai', model: 'gpt-4.1-mini', apiKey: KEY }),
    ).toMatchObject({ ok: false, problem: { code: 'NOT_FOUND' } });
  });
});
