/**
 * The choices the Model step offers. Built-in providers are called by their pi-ai names and take
 * a key; Ollama and "any OpenAI-compatible URL" become entries of `models.providers`. ChatGPT /
 * Codex sign-in is an OAuth login the CLI container runs, so it is not a kind here (the step shows
 * the command instead).
 */
export const MODEL_KINDS = [
  'openai',
  'anthropic',
  'openrouter',
  'google',
  'ollama',
  'custom',
] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface KindInfo {
  label: string;
  /** A model that exists in pi-ai 0.73.1's catalog and is a sensible first pick. */
  defaultModel?: string;
  /** Where the user gets a key (shown next to the key field). */
  keyPage?: string;
  /** A key is required (custom URLs and Ollama may run without one). */
  needsKey: boolean;
}

export const KIND_INFO: Readonly<Record<ModelKind, KindInfo>> = {
  openai: {
    label: 'OpenAI',
    defaultModel: 'gpt-4.1-mini',
    keyPage: 'https://platform.openai.com/api-keys',
    needsKey: true,
  },
  anthropic: {
    label: 'Anthropic',
    defaultModel: 'claude-sonnet-4-5',
    keyPage: 'https://console.anthropic.com/settings/keys',
    needsKey: true,
  },
  openrouter: {
    label: 'OpenRouter',
    defaultModel: 'openai/gpt-4.1-mini',
    keyPage: 'https://openrouter.ai/settings/keys',
    needsKey: true,
  },
  google: {
    label: 'Google Gemini',
    defaultModel: 'gemini-2.5-flash',
    keyPage: 'https://aistudio.google.com/apikey',
    needsKey: true,
  },
  ollama: { label: 'Ollama on this computer', needsKey: false },
  custom: { label: 'OpenAI-compatible URL', needsKey: false },
};

/** The provider id Ollama is saved under in `models.providers`. */
export const OLLAMA_PROVIDER_ID = 'ollama';
/** The provider id of a custom URL when the user names none. */
export const DEFAULT_CUSTOM_PROVIDER_ID = 'custom';
/** Ollama's default address as seen from this computer. */
export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434';
/**
 * Ollama ignores the key, but the OpenAI client always sends one and the gateway refuses a
 * provider without a key: the same placeholder upstream's Ollama guide uses. Not a secret.
 */
export const OLLAMA_PLACEHOLDER_KEY = 'ollama-local';
/** For a custom server that needs no key: sent as the bearer, ignored by such servers. */
export const NO_KEY_PLACEHOLDER = 'no-key';

export function isBuiltInKind(kind: ModelKind): boolean {
  return kind !== 'ollama' && kind !== 'custom';
}
