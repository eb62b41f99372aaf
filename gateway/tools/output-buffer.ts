/**
 * A command's output kept within a memory cap: the first `headChars` characters and a window of
 * the most recent `tailChars`. What falls between is dropped and counted, so a result can say
 * exactly how much was cut. Positions are absolute (characters since the command started), so a
 * reader that polls from where it stopped learns when output it never saw was dropped.
 */
export class OutputBuffer {
  private head = '';
  private tail = '';
  /** Absolute position of `tail[0]`. */
  private tailStart = 0;
  private total = 0;

  constructor(
    private readonly headChars: number,
    private readonly tailChars: number,
  ) {}

  append(chunk: string): void {
    if (chunk === '') return;
    let rest = chunk;
    if (this.total < this.headChars) {
      const room = this.headChars - this.total;
      this.head += rest.slice(0, room);
      rest = rest.slice(room);
      this.tailStart = this.total + Math.min(room, chunk.length);
    }
    this.total += chunk.length;
    if (rest === '') return;
    this.tail += rest;
    if (this.tail.length > this.tailChars) {
      const drop = this.tail.length - this.tailChars;
      this.tail = this.tail.slice(drop);
      this.tailStart += drop;
    }
  }

  /** Characters written so far (kept or not). */
  get length(): number {
    return this.total;
  }

  /** Characters that were dropped between the head and the tail. */
  get dropped(): number {
    return this.tailStart - this.head.length;
  }

  /** Everything kept, with a note where the middle was cut. */
  render(): string {
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n\n[… ${this.dropped} characters of output cut here (only the first ${this.headChars} and the last ${this.tailChars} are kept) …]\n\n${this.tail}`;
  }

  /**
   * Output from absolute position `from` to the end; `skipped` counts characters in that range
   * that were dropped before anyone read them.
   */
  readFrom(from: number): { text: string; skipped: number; next: number } {
    const start = Math.max(0, Math.min(from, this.total));
    if (start < this.head.length) {
      const fromHead = this.head.slice(start);
      return { text: fromHead + this.tail, skipped: this.dropped, next: this.total };
    }
    if (start >= this.tailStart) {
      return { text: this.tail.slice(start - this.tailStart), skipped: 0, next: this.total };
    }
    return { text: this.tail, skipped: this.tailStart - start, next: this.total };
  }
}

/** `text` within `max` characters: the first quarter and the last three quarters, the cut named. */
export function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max / 4);
  const tail = max - head;
  return `${text.slice(0, head)}\n\n[… ${text.length - max} characters cut here …]\n\n${text.slice(text.length - tail)}`;
}
