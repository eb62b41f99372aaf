/**
 * Questions the `channels` commands ask a person at a terminal. A token is read without echo so it
 * never lands on screen or in a terminal recording. Commands take this as a parameter so a run
 * without a terminal (scripts, CI, `docker compose run -T`) is decided up front, never by waiting.
 */
import { createInterface } from 'node:readline/promises';

export interface PromptIo {
  /** A person can answer (stdin and stdout are terminals). */
  interactive: boolean;
  ask(question: string): Promise<string>;
  askSecret(question: string): Promise<string>;
}

function readHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stdout.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      process.stdout.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.setRawMode?.(true);
    input.resume();
    input.on('data', onData);
  });
}

export const terminalIo: PromptIo = {
  interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
  askSecret: readHidden,
};
