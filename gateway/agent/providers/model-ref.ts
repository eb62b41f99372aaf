/**
 * Model refs `provider/model` as config and clients write them. The model id may contain slashes
 * (`openrouter/meta-llama/llama-3.1-8b`): only the first slash separates the provider.
 */
import { modelRefProblem } from '../../config/models-schema.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';

export interface ModelRef {
  provider: string;
  modelId: string;
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.modelId}`;
}

/** Parse a ref; a ref without provider is refused with an example of the right form. */
export function parseModelRef(text: string): ModelRef {
  const trimmed = text.trim();
  const problem = modelRefProblem(trimmed);
  if (problem) {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `Model "${text}" ${problem}.`, {
      details: { ref: text },
    });
  }
  const slash = trimmed.indexOf('/');
  return { provider: trimmed.slice(0, slash), modelId: trimmed.slice(slash + 1) };
}
