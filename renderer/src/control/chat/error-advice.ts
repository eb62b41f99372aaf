/**
 * What to do about a failed answer, by the `errorKind` of the `chat` error event. The gateway's
 * own message says what went wrong; this adds the next step in the page's words.
 */
export interface ErrorAdvice {
  title: string;
  next: string;
}

const ADVICE: Record<string, ErrorAdvice> = {
  rate_limit: {
    title: 'The model provider is limiting requests',
    next: 'Wait a minute and send again, or pick another model above.',
  },
  timeout: {
    title: 'The model did not answer in time',
    next: 'Send again. If it keeps happening, check the provider’s status or pick another model.',
  },
  context_length: {
    title: 'The conversation is too long for this model',
    next: 'Reset the conversation (or send /new), or pick a model with a larger context window.',
  },
  refusal: {
    title: 'The model declined to answer',
    next: 'Rephrase the request or pick another model.',
  },
  'not-sent': {
    title: 'The message was not sent',
    next: 'Check the connection to the gateway, then send it again.',
  },
};

const FALLBACK: ErrorAdvice = {
  title: 'The answer failed',
  next: 'Send again. If it keeps failing, check the model settings (provider, key, base URL) and the gateway’s Logs page.',
};

/** The kind, from the event; a turn read back from the history has only its message. */
function kindOf(kind: string | undefined, message: string): string | undefined {
  if (kind && ADVICE[kind]) return kind;
  if (/\b429\b|rate.?limit/i.test(message)) return 'rate_limit';
  if (/timed? ?out|timeout/i.test(message)) return 'timeout';
  if (/context (length|window)|too many tokens|maximum context/i.test(message))
    return 'context_length';
  return undefined;
}

export function errorAdvice(kind: string | undefined, message: string): ErrorAdvice {
  const known = kindOf(kind, message);
  if (known) return ADVICE[known]!;
  if (/\b401\b|api key|unauthori[sz]ed/i.test(message)) {
    return {
      title: 'The model provider refused the key',
      next: 'Check the API key in the model settings (Settings → Model), then send again.',
    };
  }
  return FALLBACK;
}
