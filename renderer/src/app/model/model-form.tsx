/**
 * The Model form, shared by the first-run wizard and Settings: pick a provider, a model and
 * (where needed) a key or an address; Test makes one real call; Save tests again and writes only
 * when the model answered. A stored key is never shown, only its hint (`sk-…abcd`); leaving the
 * field empty keeps it.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type {
  ModelCallResult,
  ModelField,
  ModelKind,
  ModelSetupInput,
} from '../../../../electron/contract/host-api.js';
import { useHost } from '../../host/host-context.js';
import { errorText } from '../../host/host-error.js';
import {
  Button,
  Callout,
  Field,
  RadioCards,
  Select,
  Skeleton,
  TextInput,
  TextWithCode,
} from '../../ui/index.js';
import { CodexSignIn } from './codex-sign-in.js';
import { ModelResult } from './model-result.js';
import { useModelData, useOllama } from './use-model-data.js';

export type ProviderChoice = ModelKind | 'codex';

const PROVIDERS: ReadonlyArray<{ value: ProviderChoice; title: string; description: string }> = [
  { value: 'openai', title: 'OpenAI', description: 'GPT models with an API key' },
  { value: 'anthropic', title: 'Anthropic', description: 'Claude models with an API key' },
  { value: 'google', title: 'Google Gemini', description: 'Gemini models with an API key' },
  { value: 'openrouter', title: 'OpenRouter', description: 'Many providers with one key' },
  { value: 'codex', title: 'ChatGPT sign-in', description: 'Codex with your ChatGPT plan' },
  { value: 'ollama', title: 'Ollama', description: 'Models running on this computer' },
  { value: 'custom', title: 'OpenAI-compatible URL', description: 'LM Studio, vLLM, a proxy…' },
];

interface Draft {
  kind: ProviderChoice;
  model: string;
  apiKey: string;
  baseUrl: string;
  providerId: string;
}

export interface ModelFormProps {
  /** Called after a successful save (the wizard moves on). */
  onSaved?: (result: Extract<ModelCallResult, { ok: true }>) => void;
  /** Buttons next to Save (the wizard's Back / Skip). */
  footerStart?: ReactNode;
  /** Label of the save button. */
  saveLabel?: string;
  /** Save is the main action (not once the wizard's Continue has taken that place). */
  primarySave?: boolean;
}

export function ModelForm({
  onSaved,
  footerStart,
  saveLabel = 'Save',
  primarySave = true,
}: ModelFormProps) {
  const { api } = useHost();
  const data = useModelData();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [result, setResult] = useState<ModelCallResult | null>(null);
  const [callError, setCallError] = useState<string | null>(null);
  const ollama = useOllama(draft?.kind === 'ollama');

  // Start from what the gateway uses now (Settings), or OpenAI's default (first run).
  useEffect(() => {
    if (draft || !data.view || !data.catalog) return;
    const current = data.view.current;
    const kind: ProviderChoice = current?.kind ?? 'openai';
    setDraft({
      kind,
      model: current?.kind ? current.model : (defaultModelOf(data, kind) ?? ''),
      apiKey: '',
      baseUrl:
        current?.kind === 'ollama' || current?.kind === 'custom' ? (current.hostUrl ?? '') : '',
      providerId: current?.kind === 'custom' ? current.providerId : '',
    });
  }, [draft, data]);

  // Ollama found: fill in its address and first model where the user has not typed any.
  useEffect(() => {
    const probe = ollama.probe;
    if (draft?.kind !== 'ollama' || !probe?.found) return;
    const patch: Partial<Draft> = {};
    if (draft.baseUrl === '') patch.baseUrl = probe.url;
    if (draft.model === '' && probe.models[0]) patch.model = probe.models[0].id;
    if (Object.keys(patch).length > 0) setDraft({ ...draft, ...patch });
  }, [draft, ollama.probe]);

  if (data.error && !data.view)
    return (
      <Callout tone="danger" title="Could not read the model settings">
        {data.error}
      </Callout>
    );
  if (!draft || !data.view || !data.catalog) return <Skeleton lines={5} />;
  if (!data.view.ready)
    return (
      <Callout tone="info" title="The gateway is not set up yet">
        Run the setup first; the model is chosen right after it.
      </Callout>
    );

  const current = data.view.current;
  const kindInfo =
    draft.kind === 'codex' ? undefined : data.catalog.find((c) => c.kind === draft.kind);
  const sameProvider =
    current?.kind === draft.kind &&
    (draft.kind !== 'custom' || current.providerId === (draft.providerId.trim() || 'custom'));
  const storedHint = sameProvider ? current?.keyHint : undefined;
  const problem = result && !result.ok ? result.problem : null;
  const errorFor = (field: ModelField): ReactNode =>
    problem?.field === field ? (
      <>
        {problem.message} <TextWithCode text={problem.nextStep} />
      </>
    ) : undefined;

  const change = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setResult(null);
    setCallError(null);
  };
  const pickKind = (kind: ProviderChoice) =>
    change({
      kind,
      model:
        kind === 'ollama'
          ? (ollama.probe?.models[0]?.id ?? '')
          : (defaultModelOf(data, kind) ?? ''),
      apiKey: '',
      baseUrl: kind === 'ollama' ? (ollama.probe?.url ?? '') : '',
    });

  const input = (): ModelSetupInput | null => {
    if (draft.kind === 'codex') return null;
    return {
      kind: draft.kind,
      model: draft.model,
      ...(draft.apiKey.trim() ? { apiKey: draft.apiKey } : {}),
      ...(draft.kind === 'ollama' || draft.kind === 'custom' ? { baseUrl: draft.baseUrl } : {}),
      ...(draft.kind === 'custom' && draft.providerId.trim()
        ? { providerId: draft.providerId }
        : {}),
    };
  };
  const run = async (which: 'test' | 'save') => {
    const params = input();
    if (!params || !api) return;
    setBusy(which);
    setResult(null);
    setCallError(null);
    try {
      const answer = await api.call(which === 'test' ? 'model.test' : 'model.save', params);
      setResult(answer);
      if (answer.ok && answer.saved) {
        setDraft({ ...draft, apiKey: '' });
        await data.reload();
        onSaved?.(answer);
      }
    } catch (err) {
      setCallError(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  const modelOptions = kindInfo?.models ?? [];
  return (
    <form
      className="model-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run('test');
      }}
    >
      {current ? (
        <p className="model-form__current">
          The gateway uses <code className="ui-code-inline">{current.ref}</code>
          {current.keyHint ? ` with the key ${current.keyHint}` : ''}
          {current.keySource && !current.keyHint ? ` (key from ${current.keySource})` : ''}.
        </p>
      ) : null}
      {data.view.configProblem ? (
        <Callout tone="warning" title="openclaw.json has a problem">
          {data.view.configProblem}
        </Callout>
      ) : null}
      <RadioCards
        legend="Provider"
        value={draft.kind}
        onChange={pickKind}
        options={PROVIDERS}
        columns={3}
      />
      {draft.kind === 'codex' ? (
        <CodexSignIn />
      ) : (
        <>
          {draft.kind === 'ollama' ? <OllamaStatus state={ollama} /> : null}
          {draft.kind === 'ollama' || draft.kind === 'custom' ? (
            <Field
              label="Server address"
              hint={
                draft.kind === 'ollama'
                  ? 'As this computer reaches it; the gateway in Docker gets the same server through host.docker.internal.'
                  : 'The base URL of its OpenAI-compatible API, usually ending in /v1. A server on this computer is reached from Docker through host.docker.internal.'
              }
              error={errorFor('baseUrl')}
              required
            >
              <TextInput
                mono
                value={draft.baseUrl}
                placeholder={
                  draft.kind === 'ollama' ? 'http://127.0.0.1:11434' : 'http://127.0.0.1:8000/v1'
                }
                onChange={(e) => change({ baseUrl: e.target.value })}
              />
            </Field>
          ) : null}
          {draft.kind === 'custom' ? (
            <Field
              label="Name"
              hint="Optional. The first part of the model name, such as “my-llm”."
              error={errorFor('providerId')}
            >
              <TextInput
                mono
                value={draft.providerId}
                placeholder="custom"
                onChange={(e) => change({ providerId: e.target.value })}
              />
            </Field>
          ) : null}
          <Field label="Model" error={errorFor('model')} required>
            {draft.kind === 'ollama' && ollama.probe?.found && ollama.probe.models.length > 0 ? (
              <Select
                value={draft.model}
                onChange={(e) => change({ model: e.target.value })}
                options={ollama.probe.models.map((m) => ({
                  value: m.id,
                  label: m.parameterSize ? `${m.id} (${m.parameterSize})` : m.id,
                }))}
              />
            ) : (
              <>
                <TextInput
                  mono
                  value={draft.model}
                  list={modelOptions.length ? 'model-form-models' : undefined}
                  placeholder={draft.kind === 'custom' ? 'llama-3.1-8b' : ''}
                  onChange={(e) => change({ model: e.target.value })}
                />
                {modelOptions.length ? (
                  <datalist id="model-form-models">
                    {modelOptions.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.name}
                      </option>
                    ))}
                  </datalist>
                ) : null}
              </>
            )}
          </Field>
          {draft.kind !== 'ollama' ? (
            <Field
              label="API key"
              required={kindInfo?.needsKey && !storedHint}
              hint={
                storedHint
                  ? `A key is stored (${storedHint}). Leave this empty to keep it.`
                  : kindInfo?.keyPage
                    ? `Get one at ${kindInfo.keyPage}. It is stored for the gateway and never shown again.`
                    : 'Only if the server asks for one. It is stored for the gateway and never shown again.'
              }
              error={errorFor('apiKey')}
            >
              <TextInput
                mono
                type="password"
                autoComplete="off"
                value={draft.apiKey}
                placeholder={storedHint ? `Stored: ${storedHint}` : ''}
                onChange={(e) => change({ apiKey: e.target.value })}
              />
            </Field>
          ) : null}
          <ModelResult result={result} error={callError} />
        </>
      )}
      {footerStart || draft.kind !== 'codex' ? (
        <div className="setup-step__footer">
          {footerStart ?? <span />}
          {draft.kind === 'codex' ? null : (
            <div className="setup-step__footer-end">
              <Button type="submit" icon="play" loading={busy === 'test'} disabled={busy !== null}>
                Test
              </Button>
              <Button
                variant={primarySave ? 'primary' : 'secondary'}
                icon="check"
                loading={busy === 'save'}
                disabled={busy !== null}
                onClick={() => void run('save')}
              >
                {saveLabel}
              </Button>
            </div>
          )}
        </div>
      ) : null}
    </form>
  );
}

function defaultModelOf(
  data: ReturnType<typeof useModelData>,
  kind: ProviderChoice,
): string | undefined {
  return data.catalog?.find((c) => c.kind === kind)?.defaultModel;
}

function OllamaStatus({ state }: { state: ReturnType<typeof useOllama> }) {
  const { probe, looking, look } = state;
  const again = (
    <Button size="sm" icon="refresh" loading={looking} onClick={() => void look()}>
      Look again
    </Button>
  );
  if (!probe) return <Skeleton lines={1} />;
  if (!probe.found)
    return (
      <Callout tone="warning" title="No Ollama found on this computer" actions={again}>
        <TextWithCode text={probe.hint ?? ''} />
      </Callout>
    );
  return (
    <Callout
      tone={probe.containerReach === 'no' ? 'warning' : 'success'}
      title={`Ollama found at ${probe.url} with ${probe.models.length} model${probe.models.length === 1 ? '' : 's'}`}
      actions={again}
    >
      {probe.hint ? (
        <TextWithCode text={probe.hint} />
      ) : (
        'Pick one of its models below and test it.'
      )}
    </Callout>
  );
}
