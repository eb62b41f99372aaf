/**
 * sandboxd's side of the resident runner (runner-script.ts): one Docker exec per container, kept
 * open, with the runner's stdin, stdout and stderr on the Engine API's hijacked stream. Requests
 * are written in order on one stream; answers come back in the same order, so a queue of waiting
 * readers is all the matching needed. Commands' ends arrive on stderr, keyed by id.
 */
import { Writable, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { RUNNER_SCRIPT } from './runner-script.js';

/** How long the runner may take to say it is ready (a loaded machine, a slow image). */
const HELLO_TIMEOUT_MS = 10_000;

/** How a command ended: its code (null when the runner went away first), and whether it printed. */
export interface RunnerEnd {
  code: number | null;
  output: boolean;
}

export type RunnerInput = { kind: 'none' } | { kind: 'data'; data: Buffer } | { kind: 'stream' };

export interface Collected {
  stdout: Buffer;
  stderr: Buffer;
  /** Bytes the cap left out of each stream. */
  stdoutDropped: number;
  stderrDropped: number;
}

interface Waiting {
  /** Bytes that follow the header line. */
  size(header: string): number;
  resolve(header: string, body: Buffer): void;
  reject(err: Error): void;
}

export class RunnerGoneError extends Error {
  constructor() {
    super('The sandbox runner stopped (the container was stopped or removed).');
  }
}

export class ContainerRunner {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly queue: Waiting[] = [];
  private readonly ends = new Map<string, (end: RunnerEnd) => void>();
  private readonly kills = new Map<string, () => void>();
  private errLine = '';
  private closed = false;

  private constructor(
    private readonly stream: Duplex,
    docker: Dockerode,
  ) {
    docker.modem.demuxStream(
      stream,
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          this.onStdout(chunk);
          done();
        },
      }),
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          this.onStderr(chunk);
          done();
        },
      }),
    );
    const gone = () => this.shutdown();
    stream.once('end', gone);
    stream.once('close', gone);
    stream.once('error', gone);
  }

  /** Starts the runner in the container; `undefined` when the image lacks what it needs. */
  static async open(docker: Dockerode, containerId: string): Promise<ContainerRunner | undefined> {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: ['/bin/sh', '-c', RUNNER_SCRIPT],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
    const runner = new ContainerRunner(stream, docker);
    let timer: NodeJS.Timeout | undefined;
    let hello: string;
    try {
      hello = await Promise.race([
        runner.expect(() => 0).then((r) => r.header),
        new Promise<string>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('the sandbox runner did not start in time')),
            HELLO_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      // Not a verdict on the image (a busy machine, a container stopping): tried again next time.
      runner.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (hello.startsWith('OK ')) return runner;
    runner.close();
    return undefined;
  }

  get alive(): boolean {
    return !this.closed;
  }

  /** Starts a command; the promise settles when it has ended. */
  start(id: string, script: string, input: RunnerInput): Promise<RunnerEnd> {
    if (this.closed) return Promise.reject(new RunnerGoneError());
    const code = Buffer.from(script, 'utf8');
    const mode = input.kind === 'data' ? input.data.length : input.kind === 'stream' ? -2 : -1;
    const ended = new Promise<RunnerEnd>((resolve) => this.ends.set(id, resolve));
    this.send(`X ${id} ${code.length} ${mode}\n`, code, input.kind === 'data' ? input.data : null);
    return ended;
  }

  /** Up to `max` bytes of a stream's output from byte `offset`, and all it holds so far. */
  async read(
    id: string,
    which: 'o' | 'e',
    offset: number,
    max: number,
  ): Promise<{ data: Buffer; size: number }> {
    // Sent first: if the runner is gone this throws before anything waits for an answer. The
    // answer cannot arrive before the waiting reader is queued (it comes in a later tick).
    this.send(`R ${id} ${which} ${offset} ${max}\n`);
    const { header, body } = await this.expect((line) => Number(line.split(' ')[0]));
    return { data: body, size: Number(header.split(' ')[1]) || 0 };
  }

  /** Both streams, each capped to `max` bytes (its head and its tail). */
  async collect(id: string, max: number): Promise<Collected> {
    this.send(`T ${id} ${max}\n`);
    const { header, body } = await this.expect((line) => {
      const [, oSent, , eSent] = line.split(' ').map(Number);
      return (oSent ?? 0) + (eSent ?? 0);
    });
    const [oSize = 0, oSent = 0, eSize = 0, eSent = 0] = header.split(' ').map(Number);
    return {
      stdout: body.subarray(0, oSent),
      stderr: body.subarray(oSent, oSent + eSent),
      stdoutDropped: oSize - oSent,
      stderrDropped: eSize - eSent,
    };
  }

  write(id: string, seq: number, data: Buffer): void {
    this.send(`W ${id} ${data.length} ${seq}\n`, data);
  }

  endInput(id: string): void {
    this.send(`E ${id}\n`);
  }

  /** Resolves when the kill has run its rounds (or the runner went away). */
  kill(id: string, script: string): Promise<void> {
    const code = Buffer.from(script, 'utf8');
    this.send(`K ${id} ${code.length}\n`, code);
    return new Promise((resolve) => this.kills.set(id, resolve));
  }

  forget(id: string): void {
    this.ends.delete(id);
    this.send(`C ${id}\n`);
  }

  close(): void {
    if (!this.closed) {
      try {
        this.stream.end('Q x\n');
      } catch {
        // already gone
      }
      this.stream.destroy();
    }
    this.shutdown();
  }

  private send(header: string, ...payload: (Buffer | null)[]): void {
    if (this.closed) throw new RunnerGoneError();
    const parts = [Buffer.from(header, 'utf8'), ...payload.filter((p): p is Buffer => !!p)];
    this.stream.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  private expect(size: (header: string) => number): Promise<{ header: string; body: Buffer }> {
    if (this.closed) return Promise.reject(new RunnerGoneError());
    return new Promise((resolve, reject) =>
      this.queue.push({ size, resolve: (header, body) => resolve({ header, body }), reject }),
    );
  }

  private onStdout(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const next = this.queue[0];
      if (!next) return;
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      const size = next.size(header);
      if (!Number.isFinite(size) || size < 0) {
        // The stream is out of step: nothing after this can be trusted.
        this.close();
        return;
      }
      if (this.buffer.length < newline + 1 + size) return;
      const body = Buffer.from(this.buffer.subarray(newline + 1, newline + 1 + size));
      this.buffer = this.buffer.subarray(newline + 1 + size);
      this.queue.shift();
      next.resolve(header, body);
    }
  }

  private onStderr(chunk: Buffer): void {
    const lines = (this.errLine + chunk.toString('utf8')).split('\n');
    this.errLine = lines.pop() ?? '';
    for (const line of lines) {
      const [tag, id, code, output] = line.split(' ');
      if (tag === 'K' && id) {
        this.kills.get(id)?.();
        this.kills.delete(id);
      }
      if (tag !== 'D' || !id) continue;
      const end = this.ends.get(id);
      this.ends.delete(id);
      end?.({
        code: Number.isInteger(Number(code)) ? Number(code) : null,
        output: output !== '0',
      });
    }
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiting of this.queue.splice(0)) waiting.reject(new RunnerGoneError());
    for (const end of this.ends.values()) end({ code: null, output: false });
    this.ends.clear();
    for (const killed of this.kills.values()) killed();
    this.kills.clear();
  }
}
