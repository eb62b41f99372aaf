/**
 * The `fetch` grammy uses for every Bot API call and file download. Two reasons for our own:
 * - A server that answers an error in something other than Telegram's JSON (a proxy's HTML 502,
 *   a plain-text 404 for an unknown token) becomes a Telegram-shaped `{ ok: false, error_code }`
 *   answer, so grammy raises a `GrammyError` with the real status instead of an opaque
 *   JSON-parse failure whose message would even carry the request URL (and with it the token).
 * - grammy hands over an AbortSignal from its own polyfill; Node's fetch wants a native one, and
 *   aborting must really cancel the long poll so `stop()` is prompt.
 */
type FetchInit = Record<string, unknown> & { signal?: unknown; body?: unknown };

interface SignalLike {
  aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function isSignalLike(value: unknown): value is SignalLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    'aborted' in value &&
    typeof (value as SignalLike).addEventListener === 'function'
  );
}

function nativeSignal(signal: unknown): { signal?: AbortSignal; release(): void } {
  if (signal instanceof AbortSignal) return { signal, release: () => {} };
  if (!isSignalLike(signal)) return { release: () => {} };
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', abort);
  return { signal: controller.signal, release: () => signal.removeEventListener('abort', abort) };
}

function telegramShaped(response: Response, text: string): Response {
  const description = text.trim().slice(0, 200) || response.statusText || 'no description';
  const body = JSON.stringify({ ok: false, error_code: response.status, description });
  return new Response(body, {
    status: response.status,
    headers: { 'content-type': 'application/json' },
  });
}

/** Builds the Bot API `fetch`: Node's fetch with the two fixes above. */
export function createBotFetch(): (url: string, init?: FetchInit) => Promise<Response> {
  return async (url, init = {}) => {
    // grammy's Node defaults (`agent`, `compress`) are node-fetch options Node's fetch ignores.
    const { signal, agent: _agent, compress: _compress, ...rest } = init;
    const native = nativeSignal(signal);
    try {
      const response = await fetch(url, {
        ...(rest as RequestInit),
        ...(native.signal ? { signal: native.signal } : {}),
        // A multipart upload arrives as a stream: Node's fetch needs half-duplex for that.
        ...(rest.body !== undefined && typeof rest.body !== 'string' ? { duplex: 'half' } : {}),
      } as RequestInit);
      if (response.ok) return response;
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('json')) return response;
      return telegramShaped(response, await response.text());
    } finally {
      native.release();
    }
  };
}

/** grammy types its signals with its polyfill's class; at run time it only listens for `abort`. */
export type GrammySignal = NonNullable<Parameters<import('grammy').Api['getMe']>[0]>;

export function grammySignal(signal: AbortSignal): GrammySignal {
  return signal as unknown as GrammySignal;
}
