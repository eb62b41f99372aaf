/**
 * Runs a CLI (compose, docker) the safe way: an args array and never a shell, stdin closed so a
 * prompt can never hang the app, output streamed line by line, and an AbortSignal that ends the
 * whole process tree (docker-compose v1 is a PyInstaller binary that forks a child; killing only
 * the parent would leave the real work running).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cancelledError } from './abort.js';
import { LineSplitter } from './line-splitter.js';

export type OutputStream = 'stdout' | 'stderr';
export type LineHandler = (line: string, stream: OutputStream) => void;

export interface RunProcessOptions {
  cwd?: string;
  /** The complete environment of the child (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onLine?: LineHandler;
  /**
   * Inherit the terminal (stdin/stdout/stderr) instead of capturing: for interactive commands
   * started from a terminal. Output is then not captured and onLine is not called.
   */
  interactive?: boolean;
  /** How long to wait after SIGTERM before SIGKILL when cancelled. */
  killGraceMs?: number;
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Captured output is capped so an attached `compose up` streaming for hours cannot eat memory. */
const MAX_CAPTURE_CHARS = 4 * 1024 * 1024;

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are control characters by definition.
const ANSI_PATTERN = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

class CappedBuffer {
  private text = '';
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > MAX_CAPTURE_CHARS)
      this.text = this.text.slice(this.text.length - MAX_CAPTURE_CHARS);
  }
  toString(): string {
    return this.text;
  }
}

/** Ends the child and everything it started. */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform === 'win32') {
      // No process groups on Windows; taskkill /T walks the tree.
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], {
        stdio: 'ignore',
        windowsHide: true,
      }).on('error', () => {});
    } else {
      // The child leads its own process group (detached), so -pid reaches its descendants.
      process.kill(-child.pid, signal);
    }
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Runs `command args` and resolves with its exit code and output; a non-zero exit is a result,
 * not an error (callers decide). Rejects with the spawn error (e.g. ENOENT) when the binary is
 * missing, and with CANCELLED once the signal fires and the tree has exited.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): Promise<ProcessResult> {
  const { signal, onLine, interactive = false, killGraceMs = 5_000 } = options;
  if (signal?.aborted) return Promise.reject(cancelledError());

  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      shell: false,
      windowsHide: true,
      // A terminal-attached child must stay in the foreground process group to read the tty.
      detached: !interactive && process.platform !== 'win32',
      stdio: interactive ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });

    const stdout = new CappedBuffer();
    const stderr = new CappedBuffer();
    const splitters: LineSplitter[] = [];
    const attach = (
      stream: NodeJS.ReadableStream | null,
      name: OutputStream,
      sink: CappedBuffer,
    ): void => {
      if (!stream) return;
      stream.setEncoding('utf8');
      const splitter = new LineSplitter((line) => onLine?.(stripAnsi(line), name));
      splitters.push(splitter);
      stream.on('data', (chunk: string) => {
        sink.append(chunk);
        if (onLine) splitter.push(chunk);
      });
    };
    attach(child.stdout, 'stdout', stdout);
    attach(child.stderr, 'stderr', stderr);

    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const abort = (): void => {
      cancelled = true;
      killTree(child, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child, 'SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    signal?.addEventListener('abort', abort, { once: true });

    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      if (killTimer) clearTimeout(killTimer);
      fn();
    };

    child.on('error', (err) => finish(() => reject(err)));
    child.on('close', (code, exitSignal) => {
      for (const splitter of splitters) if (onLine) splitter.flush();
      finish(() => {
        if (cancelled) {
          reject(cancelledError());
          return;
        }
        // Killed by a signal from outside: report the shell convention 128 + n.
        const exitCode = code ?? (exitSignal ? 128 + signalNumber(exitSignal) : 1);
        resolve({
          code: exitCode,
          stdout: stripAnsi(stdout.toString()),
          stderr: stripAnsi(stderr.toString()),
        });
      });
    });
  });
}

function signalNumber(name: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGKILL: 9,
    SIGTERM: 15,
  };
  return numbers[name] ?? 0;
}
