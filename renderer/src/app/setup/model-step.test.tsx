// @vitest-environment happy-dom
// The Model step against a scripted host: what is sent, where the host's answers and problems
// show, and that a stored key is never shown or sent back.
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelKindCatalog, ModelSetupView } from '../../../../electron/contract/host-api.js';
import { HostProvider } from '../../host/host-context.js';
import {
  cleanup,
  click,
  flush,
  getButton,
  getByLabel,
  render,
  typeInto,
} from '../../testing/dom.js';
import { fakeHostApi, type FakeHandlers } from '../../testing/fake-host-api.js';
import { ModelSection } from '../settings/model-section.js';
import { ModelStep } from './model-step.js';

afterEach(() => cleanup());

const CATALOG: ModelKindCatalog[] = [
  {
    kind: 'openai',
    label: 'OpenAI',
    needsKey: true,
    keyPage: 'https://platform.openai.com/api-keys',
    defaultModel: 'gpt-4.1-mini',
    models: [
      { id: 'gpt-4.1-mini', name: 'GPT-4.1 mini' },
      { id: 'gpt-4.1', name: 'GPT-4.1' },
    ],
  },
  {
    kind: 'anthropic',
    label: 'Anthropic',
    needsKey: true,
    defaultModel: 'claude-sonnet-4-5',
    models: [{ id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5' }],
  },
  { kind: 'openrouter', label: 'OpenRouter', needsKey: true, models: [] },
  { kind: 'google', label: 'Google Gemini', needsKey: true, models: [] },
  { kind: 'ollama', label: 'Ollama on this computer', needsKey: false, models: [] },
  { kind: 'custom', label: 'OpenAI-compatible URL', needsKey: false, models: [] },
];

async function mount(
  view: ModelSetupView,
  handlers: FakeHandlers = {},
  ui: 'step' | 'settings' = 'step',
) {
  const host = fakeHostApi({
    'model.get': () => view,
    'model.catalog': () => CATALOG,
    ...handlers,
  });
  let done = 0;
  const r = render(
    <HostProvider connection={host}>
      {ui === 'step' ? <ModelStep onDone={() => (done += 1)} /> : <ModelSection />}
    </HostProvider>,
  );
  await flush();
  await flush();
  return { ...r, host, done: () => done };
}

const field = (container: HTMLElement, label: RegExp) =>
  getByLabel(container, label) as HTMLInputElement;

describe('the Model step', () => {
  it('tests OpenAI with the pasted key and shows the answer', async () => {
    const { container, host } = await mount(
      { ready: true },
      {
        'model.test': () => ({
          ok: true as const,
          ref: 'openai/gpt-4.1-mini',
          answer: 'Hello there!',
          durationMs: 812,
        }),
      },
    );
    expect(field(container, /^Model/).value).toBe('gpt-4.1-mini');
    typeInto(field(container, /^API key/), ' sk-live-abcdefgh1234 ');
    click(getButton(container, 'Test'));
    await flush();
    expect(host.callsTo('model.test')).toEqual([
      { kind: 'openai', model: 'gpt-4.1-mini', apiKey: ' sk-live-abcdefgh1234 ' },
    ]);
    expect(container.textContent).toContain('openai/gpt-4.1-mini answered in 0.8 s');
    expect(container.textContent).toContain('Hello there!');
    expect(host.callsTo('model.save')).toEqual([]);
  });

  it('puts a refused key on the key field with the next step, and does not move on', async () => {
    const { container, done } = await mount(
      { ready: true },
      {
        'model.save': () => ({
          ok: false as const,
          problem: {
            field: 'apiKey' as const,
            code: 'PROVIDER_AUTH_FAILED',
            message: 'OpenAI refused the key (HTTP 401).',
            nextStep: 'Check the key: copy it again.',
          },
        }),
      },
    );
    typeInto(field(container, /^API key/), 'sk-wrong-0000000000');
    click(getButton(container, 'Save and continue'));
    await flush();
    const key = field(container, /^API key/);
    expect(key.getAttribute('aria-invalid')).toBe('true');
    expect(container.querySelector('.ui-field--invalid')?.textContent).toContain(
      'OpenAI refused the key (HTTP 401). Check the key: copy it again.',
    );
    expect(getButton(container, 'Skip for now')).toBeTruthy();
    expect(done()).toBe(0);
  });

  it('after a save, clears the key, shows the stored hint and offers Continue', async () => {
    let view: ModelSetupView = { ready: true };
    const { container, done } = await mount(view, {
      'model.get': () => view,
      'model.save': () => {
        view = {
          ready: true,
          current: {
            ref: 'openai/gpt-4.1-mini',
            providerId: 'openai',
            model: 'gpt-4.1-mini',
            kind: 'openai',
            keyHint: 'sk-live-…1234',
            keySource: 'stored for the gateway',
          },
        };
        return {
          ok: true as const,
          ref: 'openai/gpt-4.1-mini',
          answer: 'Ready.',
          durationMs: 500,
          saved: true,
        };
      },
    });
    typeInto(field(container, /^API key/), 'sk-live-abcdefgh1234');
    click(getButton(container, 'Save and continue'));
    await flush();
    await flush();
    expect(container.textContent).toContain('Saved: the gateway now uses openai/gpt-4.1-mini');
    const key = field(container, /^API key/);
    expect(key.value).toBe('');
    expect(key.placeholder).toBe('Stored: sk-live-…1234');
    expect(container.innerHTML).not.toContain('abcdefgh');
    click(getButton(container, 'Continue'));
    expect(done()).toBe(1);
  });

  it('finds Ollama, lists its models and says what to do when the container cannot reach it', async () => {
    const { container, host } = await mount(
      { ready: true },
      {
        'model.ollama': () => ({
          found: true,
          url: 'http://127.0.0.1:11434',
          models: [{ id: 'qwen3:8b', parameterSize: '8.2B' }, { id: 'llama3.2:3b' }],
          containerReach: 'no' as const,
          hint: 'Ollama listens on 127.0.0.1 only. Start it with OLLAMA_HOST=0.0.0.0, then test again.',
        }),
        'model.test': () => ({
          ok: true as const,
          ref: 'ollama/qwen3:8b',
          answer: 'Hi',
          durationMs: 100,
          where:
            'The app tested http://127.0.0.1:11434/v1 from this computer; the gateway in Docker uses http://host.docker.internal:11434/v1 to reach the same server.',
        }),
      },
    );
    click(container.querySelector('input[value="ollama"]'));
    await flush();
    await flush();
    expect(container.textContent).toContain('Ollama found at http://127.0.0.1:11434 with 2 models');
    expect(container.textContent).toContain('OLLAMA_HOST=0.0.0.0');
    const model = field(container, /^Model/) as unknown as HTMLSelectElement;
    expect([...model.options].map((o) => o.value)).toEqual(['qwen3:8b', 'llama3.2:3b']);
    expect(field(container, /^Server address/).value).toBe('http://127.0.0.1:11434');
    expect(() => getByLabel(container, /^API key/)).toThrow();
    click(getButton(container, 'Test'));
    await flush();
    expect(host.callsTo('model.test')).toEqual([
      { kind: 'ollama', model: 'qwen3:8b', baseUrl: 'http://127.0.0.1:11434' },
    ]);
    expect(container.textContent).toContain(
      'the gateway in Docker uses http://host.docker.internal:11434/v1',
    );
  });

  it('ChatGPT sign-in shows the CLI command to copy', async () => {
    const { container, host } = await mount(
      { ready: true },
      {
        'stack.cliCommand': ({ args }) => ({
          command: `cd '/stack' && docker compose run --rm openclaw-cli ${args.join(' ')}`,
          shell: 'posix' as const,
        }),
      },
    );
    click(container.querySelector('input[value="codex"]'));
    await flush();
    expect(host.callsTo('stack.cliCommand')).toEqual([
      { args: ['models', 'auth', 'login', '--provider', 'openai-codex'] },
    ]);
    expect(container.textContent).toContain(
      "cd '/stack' && docker compose run --rm openclaw-cli models auth login --provider openai-codex",
    );
    expect(() => getButton(container, 'Test')).toThrow();
  });
});

describe('Settings → Model', () => {
  it('starts from the current model and keeps the stored key when the field is left empty', async () => {
    const { container, host } = await mount(
      {
        ready: true,
        current: {
          ref: 'my-llm/llama-3.1-8b',
          providerId: 'my-llm',
          model: 'llama-3.1-8b',
          kind: 'custom',
          baseUrl: 'http://host.docker.internal:8000/v1',
          hostUrl: 'http://127.0.0.1:8000/v1',
          keyHint: 'sk-…WXYZ',
          keySource: 'stored for the gateway',
        },
      },
      {
        'model.save': () => ({
          ok: true as const,
          ref: 'my-llm/llama-3.1-8b',
          answer: 'ok',
          durationMs: 10,
          saved: true,
        }),
      },
      'settings',
    );
    expect(container.textContent).toContain(
      'The gateway uses my-llm/llama-3.1-8b with the key sk-…WXYZ.',
    );
    expect(field(container, /^Server address/).value).toBe('http://127.0.0.1:8000/v1');
    expect(field(container, /^API key/).placeholder).toBe('Stored: sk-…WXYZ');
    click(getButton(container, 'Save'));
    await flush();
    expect(host.callsTo('model.save')).toEqual([
      {
        kind: 'custom',
        model: 'llama-3.1-8b',
        baseUrl: 'http://127.0.0.1:8000/v1',
        providerId: 'my-llm',
      },
    ]);
  });

  it('before setup says to run it first', async () => {
    const { container } = await mount({ ready: false }, {}, 'settings');
    expect(container.textContent).toContain('The gateway is not set up yet');
  });
});
