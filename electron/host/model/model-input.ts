/**
 * What the user typed in the Model step, checked and normalised before anything is called or
 * written: trimmed values, one plain sentence per bad field, and the two views of a local URL.
 * Pure: the stored key and the network are the setup's business.
 */
import {
  BUILT_IN_BASE_PROVIDERS,
  PROVIDER_ID_PATTERN,
} from '../../../gateway/config/models-schema.js';
import {
  DEFAULT_CUSTOM_PROVIDER_ID,
  KIND_INFO,
  MODEL_KINDS,
  OLLAMA_DEFAULT_URL,
  OLLAMA_PROVIDER_ID,
  isBuiltInKind,
  type ModelKind,
} from './provider-kinds.js';
import { urlViews, type UrlViews } from './local-url.js';

export type ModelField = 'kind' | 'model' | 'apiKey' | 'baseUrl' | 'providerId';

export interface ModelSetupInput {
  kind: ModelKind;
  model: string;
  /** Omitted or blank: keep the key already stored for this provider. */
  apiKey?: string;
  baseUrl?: string;
  /** Name of a custom provider in `models.providers` (default "custom"). */
  providerId?: string;
}

export interface FieldProblem {
  field: ModelField;
  message: string;
}

export interface ModelPlan {
  kind: ModelKind;
  providerId: string;
  modelId: string;
  /** `provider/model`. */
  ref: string;
  /** A new key, trimmed; undefined keeps the stored one. */
  key?: string;
  /** Ollama and custom URLs: where the test calls and what the config gets. */
  views?: UrlViews;
}

export type PlanResult = { ok: true; plan: ModelPlan } | { ok: false; problem: FieldProblem };

function refuse(field: ModelField, message: string): PlanResult {
  return { ok: false, problem: { field, message } };
}

/** A pasted key: whitespace around it goes, whitespace inside it is a paste gone wrong. */
export function checkKey(raw: string | undefined): { key?: string; problem?: string } {
  if (raw === undefined) return {};
  const key = raw.trim();
  if (key === '') return {};
  if (/\s/.test(key))
    return {
      problem:
        'The key has a space or line break inside it. Copy it again from the provider’s page and paste only the key.',
    };
  if (/^[A-Z][A-Z0-9_]*=/.test(key))
    return {
      problem: `Paste only the key, without “${key.slice(0, key.indexOf('=') + 1)}” in front of it.`,
    };
  if (/^https?:\/\//i.test(key))
    return { problem: 'That looks like an address, not a key. Paste the API key itself.' };
  if (key.length < 8)
    return { problem: 'The key is too short to be an API key. Paste the whole key.' };
  return { key };
}

function checkUrl(raw: string, kind: 'ollama' | 'custom'): { views?: UrlViews; problem?: string } {
  const text = raw.trim();
  const example = kind === 'ollama' ? OLLAMA_DEFAULT_URL : 'http://127.0.0.1:8000/v1';
  if (text === '') return { problem: `Enter the server’s address, like ${example}.` };
  if (/\s/.test(text))
    return { problem: `The address has a space in it. Enter it like ${example}.` };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return { problem: `“${text}” is not a web address. Enter it like ${example}.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: `The address must start with http:// or https://, like ${example}.` };
  if (url.username || url.password)
    return { problem: 'Put the key in the key field, not in the address.' };
  if (url.search || url.hash)
    return { problem: `The address must not have a “?” or “#” part. Enter it like ${example}.` };
  if (kind === 'ollama') {
    // Ollama's OpenAI-compatible route: the gateway talks to `<server>/v1`.
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '' || path === '/api') url.pathname = '/v1';
    else if (path !== '/v1')
      return { problem: `Enter Ollama’s address without a path, like ${OLLAMA_DEFAULT_URL}.` };
  }
  return { views: urlViews(url) };
}

function checkModelId(raw: string): { id?: string; problem?: string } {
  const id = raw.trim();
  if (id === '') return { problem: 'Pick a model.' };
  if (/\s/.test(id))
    return { problem: `A model id has no spaces (“${id}”). Pick one from the list.` };
  if (id.length > 200) return { problem: 'That model id is too long. Pick one from the list.' };
  return { id };
}

export function planModelSetup(input: ModelSetupInput): PlanResult {
  if (!(MODEL_KINDS as readonly string[]).includes(input.kind))
    return refuse('kind', 'Pick a provider from the list.');
  const kind = input.kind;
  const model = checkModelId(input.model);
  if (model.problem) return refuse('model', model.problem);
  let providerId: string = kind;
  let views: UrlViews | undefined;
  if (kind === 'ollama' || kind === 'custom') {
    const url = checkUrl(input.baseUrl ?? (kind === 'ollama' ? OLLAMA_DEFAULT_URL : ''), kind);
    if (url.problem) return refuse('baseUrl', url.problem);
    views = url.views;
    providerId =
      kind === 'ollama'
        ? OLLAMA_PROVIDER_ID
        : input.providerId?.trim() || DEFAULT_CUSTOM_PROVIDER_ID;
    if (kind === 'custom') {
      if (!PROVIDER_ID_PATTERN.test(providerId))
        return refuse(
          'providerId',
          'Use letters, digits, “.”, “-” or “_” for the name (it becomes the first part of the model name).',
        );
      if (
        BUILT_IN_BASE_PROVIDERS.has(providerId.toLowerCase()) ||
        providerId.toLowerCase() === OLLAMA_PROVIDER_ID
      )
        return refuse(
          'providerId',
          `“${providerId}” is the name of a built-in provider. Pick another name, such as “my-llm”.`,
        );
    }
  }
  const key = checkKey(input.apiKey);
  if (key.problem) return refuse('apiKey', key.problem);
  if (isBuiltInKind(kind) && input.baseUrl !== undefined && input.baseUrl.trim() !== '')
    return refuse('baseUrl', `${KIND_INFO[kind].label} needs no address; leave it empty.`);
  return {
    ok: true,
    plan: {
      kind,
      providerId,
      modelId: model.id!,
      ref: `${providerId}/${model.id!}`,
      ...(key.key ? { key: key.key } : {}),
      ...(views ? { views } : {}),
    },
  };
}
