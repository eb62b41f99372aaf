/**
 * Which environment variables hold the API key of each built-in provider. Our own table (not
 * pi-ai's) so the message for a missing key can name the variable without loading the provider
 * library, and so keys are read from the env the gateway was given, never from `process.env`
 * behind its back.
 */
import type { Env } from '../../config/paths.js';

const PROVIDER_ENV_KEYS: Readonly<Record<string, readonly string[]>> = {
  openai: ['OPENAI_API_KEY'],
  // An OAuth token (Claude subscription) wins over an API key, as upstream does.
  anthropic: ['ANTHROPIC_OAUTH_TOKEN', 'ANTHROPIC_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  groq: ['GROQ_API_KEY'],
  xai: ['XAI_API_KEY'],
  mistral: ['MISTRAL_API_KEY'],
  openrouter: ['OPENROUTER_API_KEY'],
  cerebras: ['CEREBRAS_API_KEY'],
  deepseek: ['DEEPSEEK_API_KEY'],
  'vercel-ai-gateway': ['AI_GATEWAY_API_KEY'],
  zai: ['ZAI_API_KEY'],
  huggingface: ['HF_TOKEN'],
  fireworks: ['FIREWORKS_API_KEY'],
  moonshotai: ['MOONSHOT_API_KEY'],
  minimax: ['MINIMAX_API_KEY'],
};

/**
 * The variables checked for a provider, in order. A custom provider `my-llm` gets `MY_LLM_API_KEY`
 * so every provider has one documented variable.
 */
export function providerEnvKeys(provider: string): readonly string[] {
  return (
    PROVIDER_ENV_KEYS[provider] ?? [`${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`]
  );
}

export interface EnvKey {
  value: string;
  name: string;
}

/** The first non-empty variable for this provider, with its name (for "key from X" messages). */
export function envApiKey(provider: string, env: Env): EnvKey | undefined {
  for (const name of providerEnvKeys(provider)) {
    const value = env[name]?.trim();
    if (value) return { value, name };
  }
  return undefined;
}
