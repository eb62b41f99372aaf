/**
 * Turns chunked text (child-process pipes, HTTP streams from the engine) into whole lines. A
 * chunk boundary can fall anywhere, even between the \r and \n of one line ending.
 */
/** \r alone also ends a line: progress output redraws with it. */
export class LineSplitter {
  private rest = '';

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: string): void {
    let text = this.rest + chunk;
    // A chunk ending in \r may be the first half of \r\n: hold the \r back for the next chunk.
    const held = text.endsWith('\r') ? '\r' : '';
    if (held) text = text.slice(0, -1);
    const parts = text.split(/\r\n|\n|\r/);
    this.rest = (parts.pop() ?? '') + held;
    for (const line of parts) this.emit(line);
  }

  flush(): void {
    const last = this.rest.replace(/\r$/, '');
    this.rest = '';
    if (last) this.emit(last);
  }
}
