/**
 * Child process of transcript-crash.test.ts: creates a transcript and appends numbered messages
 * as fast as it can, printing `ack <n>` after append n resolved (i.e. is on disk), until killed.
 */
import { emptyUsage } from './messages.js';
import { Transcript } from './transcript.js';

const file = process.argv[2]!;
// Large enough that a kill often lands while a line is being written.
const filler = 'x'.repeat(Number(process.argv[3] ?? 4096));

const transcript = await Transcript.create(file, { sessionId: 'crash', cwd: process.cwd() });
for (let n = 0; ; n += 1) {
  await transcript.appendMessage(
    n % 2 === 0
      ? { role: 'user', content: `message ${n} ${filler}`, timestamp: Date.now() }
      : {
          role: 'assistant',
          content: [{ type: 'text', text: `message ${n} ${filler}` }],
          api: 'openai-completions',
          provider: 'stand-in',
          model: 'crash-test',
          usage: emptyUsage(),
          stopReason: 'stop',
          timestamp: Date.now(),
        },
  );
  process.stdout.write(`ack ${n}\n`);
}
