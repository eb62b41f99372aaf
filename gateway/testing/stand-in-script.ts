/**
 * (Test-only) What a stand-in model provider answers, one scripted turn per request, in order:
 * a text answer, a tool call (then, on the next request, the answer after the tool result), or a
 * failure the real provider produces (an HTTP error with its JSON body, a hang, a connection that
 * drops mid-stream). Shared by the OpenAI and Anthropic stand-ins so one script drives either.
 */

export interface StandInUsage {
  input: number;
  output: number;
}

export type StandInTurn =
  | {
      reply: 'text';
      text: string;
      usage?: StandInUsage;
      /** Characters per streamed delta (default 4). */
      chunkSize?: number;
      /** Pause between streamed events, to let a test abort mid-answer (default 0). */
      delayMs?: number;
    }
  | {
      reply: 'tool';
      calls: Array<{ name: string; arguments: Record<string, unknown>; id?: string }>;
      /** Text said before the tool calls, if any. */
      text?: string;
      usage?: StandInUsage;
      delayMs?: number;
    }
  | {
      reply: 'error';
      status: 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503 | 529;
      /** Sent as `retry-after` (seconds) on 429/503/529. */
      retryAfterSeconds?: number;
      message?: string;
    }
  /** Accept the request and never answer (the client's timeout must end it). */
  | { reply: 'hang' }
  /** Stream the start of this text, then destroy the socket. */
  | { reply: 'drop'; text: string };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** The turn that answered it (undefined when the script was empty or auth failed). */
  turn?: StandInTurn;
}

/** FIFO of turns; an empty queue answers with a loud 500 so a test notices the extra request. */
export class StandInScript {
  private readonly turns: StandInTurn[] = [];

  enqueue(...turns: StandInTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  next(): StandInTurn | undefined {
    return this.turns.shift();
  }

  get remaining(): number {
    return this.turns.length;
  }

  clear(): void {
    this.turns.length = 0;
  }
}

/** Split text into streamed pieces. */
export function chunkText(text: string, size = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Split a tool call's JSON arguments into a few uneven pieces, as providers stream them. */
export function chunkJson(value: Record<string, unknown>): string[] {
  const text = JSON.stringify(value);
  if (text.length < 6) return [text];
  const a = Math.max(1, Math.floor(text.length / 3));
  const b = Math.max(a + 1, Math.floor((text.length * 2) / 3));
  return [text.slice(0, a), text.slice(a, b), text.slice(b)];
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Rough token count for default usage figures (about four characters per token). */
export function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
