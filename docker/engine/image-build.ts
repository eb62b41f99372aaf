/**
 * Image builds through the Engine API with live progress. Uses the classic builder (API build
 * version 1): it is what every engine this app meets can run without a BuildKit session, so
 * Dockerfiles built here must not use `RUN --mount`. Progress arrives as JSON lines
 * ({"stream": "Step 3/9 : RUN …"}, {"aux": {"ID": …}}, {"error": …}); they become typed events.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';
import { cancelledError, onAbort } from './abort.js';
import { describeBuildStep, type StepLabelRule } from './build-step-label.js';
import { classifyBuildFailure, stripAnsi, type BuildFailure } from './build-failure.js';
import { contextRelativeDockerfile, packBuildContext } from './build-context.js';
import { translateDockerError } from './docker-client.js';
import { imageInfo } from './images.js';
import { LineSplitter } from './line-splitter.js';

export type BuildProgressEvent =
  /** `text` is the raw instruction; `label` a readable name for it (see build-step-label.ts). */
  | { kind: 'step'; index: number; total: number; text: string; label: string }
  | { kind: 'log'; text: string }
  | { kind: 'error'; text: string };

export interface BuildImageOptions {
  contextDir: string;
  /** Path of the Dockerfile relative to contextDir (default "Dockerfile"). */
  dockerfile?: string;
  /** "name:tag" given to the result. */
  tag: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** "host" lets RUN steps reach a package mirror on engines whose bridge has no route out. */
  networkMode?: string;
  noCache?: boolean;
  /** Try to pull a newer FROM image first (off by default: air-gapped engines have local bases). */
  pull?: boolean;
  target?: string;
  signal?: AbortSignal;
  onProgress?: (event: BuildProgressEvent) => void;
  /** Names for steps this caller knows better than the generic describer. */
  stepLabels?: readonly StepLabelRule[];
}

export interface BuildImageResult {
  /** Full image id ("sha256:…"). */
  imageId: string;
  tag: string;
  /** Number of Dockerfile steps the builder reported. */
  steps: number;
}

/** One decoded message of the /build JSON stream. */
export interface BuildMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

const STEP_LINE = /^Step (\d+)\/(\d+) : (.*)$/;

/** Parses "Step 3/9 : RUN …" (classic builder) into a step event; anything else is a log line. */
export function classifyBuildLine(line: string): BuildProgressEvent {
  const match = STEP_LINE.exec(line);
  if (match) {
    const text = match[3] ?? '';
    return { kind: 'step', index: Number(match[1]), total: Number(match[2]), text, label: text };
  }
  return { kind: 'log', text: line };
}

/** Validates one JSON line of the stream; junk (or a truncated line) becomes a log line. */
export function parseBuildMessage(line: string): BuildMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { stream: `${line}\n` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const record = parsed as Record<string, unknown>;
  const message: BuildMessage = {};
  if (typeof record.stream === 'string') message.stream = record.stream;
  if (typeof record.status === 'string') message.status = record.status;
  if (typeof record.id === 'string') message.id = record.id;
  if (typeof record.progress === 'string') message.progress = record.progress;
  if (typeof record.error === 'string') message.error = record.error;
  const detail = record.errorDetail;
  if (detail && typeof detail === 'object') {
    const { message: text, code } = detail as Record<string, unknown>;
    message.errorDetail = {
      message: typeof text === 'string' ? text : undefined,
      code: typeof code === 'number' ? code : undefined,
    };
  }
  const aux = record.aux;
  if (aux && typeof aux === 'object' && typeof (aux as Record<string, unknown>).ID === 'string') {
    message.aux = { ID: (aux as { ID: string }).ID };
  }
  return message;
}

const TAIL_LINES = 15;
/** Lines of the running step kept for the failure classifier (apt's warnings come early). */
const STEP_LINES = 400;
const ARG_LINE = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/;

/**
 * Tracks one build's stream: turns messages into events and remembers what a failure message
 * needs (the step that was running and the last output lines).
 */
export class BuildProgressTracker {
  currentStep: { index: number; total: number; text: string } | undefined;
  steps = 0;
  imageId: string | undefined;
  error: string | undefined;
  readonly tail: string[] = [];
  /** Output of the step that is running (or failed), for classifyBuildFailure. */
  readonly stepLines: string[] = [];
  /** `ARG NAME=default` lines seen so far, to name the FROM image in a failure. */
  readonly argDefaults: Record<string, string> = {};
  private readonly lines: LineSplitter;

  constructor(
    private readonly emit: (event: BuildProgressEvent) => void,
    private readonly labels: {
      buildArgs?: Record<string, string>;
      rules?: readonly StepLabelRule[];
    } = {},
  ) {
    this.lines = new LineSplitter((line) => this.onStreamLine(line));
  }

  handle(message: BuildMessage): void {
    if (message.stream !== undefined) this.lines.push(message.stream);
    // Pull progress (a missing FROM image): report status changes, not every progress-bar redraw.
    if (message.status !== undefined && message.progress === undefined) {
      this.log(message.id ? `${message.id}: ${message.status}` : message.status);
    }
    if (message.aux?.ID) this.imageId = message.aux.ID;
    const errorText = message.errorDetail?.message ?? message.error;
    if (errorText !== undefined) {
      this.lines.flush();
      this.error = errorText.trim();
      this.emit({ kind: 'error', text: this.error });
    }
  }

  finish(): void {
    this.lines.flush();
  }

  private onStreamLine(raw: string): void {
    // The classic builder wraps a RUN step's stderr in colour codes, even across chunks.
    const line = stripAnsi(raw).trimEnd();
    if (!line.trim()) return;
    const event = classifyBuildLine(line);
    if (event.kind === 'step') {
      this.currentStep = { index: event.index, total: event.total, text: event.text };
      this.steps = Math.max(this.steps, event.total);
      this.stepLines.length = 0;
      const arg = ARG_LINE.exec(event.text);
      if (arg) this.argDefaults[arg[1]!] = arg[2]!;
      this.pushTail(line);
      this.emit({ ...event, label: describeBuildStep(event.text, this.labels) });
      return;
    }
    const built = /^Successfully built ([0-9a-f]+)$/.exec(line.trim());
    if (built && !this.imageId) this.imageId = built[1];
    this.log(line);
  }

  private log(text: string): void {
    this.pushTail(text);
    this.stepLines.push(text);
    if (this.stepLines.length > STEP_LINES) this.stepLines.shift();
    this.emit({ kind: 'log', text });
  }

  private pushTail(text: string): void {
    this.tail.push(text);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}

/** The FROM image of the failing step with `${ARG}` filled in from build args, then ARG defaults. */
function fromImage(
  tracker: BuildProgressTracker,
  buildArgs: Record<string, string> | undefined,
): string | undefined {
  const from = /^FROM\s+(\S+)/i.exec(tracker.currentStep?.text ?? '')?.[1];
  if (!from) return undefined;
  return from.replace(
    /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
    (whole, name: string) => buildArgs?.[name] ?? tracker.argDefaults[name] ?? whole,
  );
}

/** Classifies what the tracker saw; exported so callers and tests read a failure the same way. */
export function describeBuildFailure(
  tracker: BuildProgressTracker,
  buildArgs?: Record<string, string>,
): BuildFailure {
  return classifyBuildFailure({
    error: tracker.error,
    stepText: tracker.currentStep?.text,
    lines: tracker.stepLines,
    baseImage: fromImage(tracker, buildArgs),
  });
}

function buildFailed(
  tracker: BuildProgressTracker,
  tag: string,
  buildArgs: Record<string, string> | undefined,
  cause?: unknown,
): OpenClawError {
  const step = tracker.currentStep;
  const where = step ? ` at step ${step.index}/${step.total} (${step.text})` : '';
  const tail = tracker.tail.slice(-10).join('\n');
  const failure = describeBuildFailure(tracker, buildArgs);
  return new OpenClawError(
    failure.code,
    `Building ${tag} failed${where}. ${failure.headline}\n` +
      (tail ? `Last output:\n${tail}\n` : '') +
      failure.nextStep,
    {
      cause,
      details: {
        tag,
        step,
        error: tracker.error,
        tail: tracker.tail.slice(),
        reason: failure.kind,
        nextStep: failure.nextStep,
        ...(failure.packages.length ? { packages: failure.packages } : {}),
        ...(failure.mirror ? { mirror: failure.mirror } : {}),
      },
    },
  );
}

/** Builds `contextDir` into `tag`, reporting progress; CANCELLED on abort, IMAGE_BUILD_FAILED on a failing step. */
export async function buildImage(
  docker: Dockerode,
  options: BuildImageOptions,
): Promise<BuildImageResult> {
  const { signal, tag } = options;
  if (signal?.aborted) throw cancelledError('The image build');
  const emit = (event: BuildProgressEvent): void => options.onProgress?.(event);
  const tracker = new BuildProgressTracker(emit, {
    buildArgs: options.buildArgs,
    rules: options.stepLabels,
  });
  // Engine unreachable / permission problems keep their codes; anything else is a failed build.
  const streamError = (err: unknown): OpenClawError => {
    const translated = translateDockerError(err, { docker });
    if (translated.code !== ErrorCode.REQUEST_FAILED) return translated;
    tracker.error = translated.message;
    return buildFailed(tracker, tag, options.buildArgs, err);
  };
  const dockerfile = contextRelativeDockerfile(
    options.contextDir,
    options.dockerfile ?? 'Dockerfile',
  );
  const context = packBuildContext(options.contextDir, { dockerfile });

  let response: NodeJS.ReadableStream;
  try {
    response = await docker.buildImage(context, {
      t: tag,
      dockerfile,
      buildargs: options.buildArgs,
      labels: options.labels,
      networkmode: options.networkMode,
      nocache: options.noCache,
      pull: options.pull,
      target: options.target,
      rm: true,
      // Remove intermediate containers even when a step fails, so failed builds leave no litter.
      forcerm: true,
      version: '1',
      abortSignal: signal,
    });
  } catch (err) {
    destroy(context);
    if (signal?.aborted) throw cancelledError('The image build');
    throw streamError(err);
  }

  await new Promise<void>((resolve, reject) => {
    const json = new LineSplitter((line) => {
      if (line.trim()) tracker.handle(parseBuildMessage(line));
    });
    let done = false;
    const settle = (fn: () => void): void => {
      if (done) return;
      done = true;
      removeAbort();
      fn();
    };
    // Closing the response ends the HTTP request; the engine then cancels the build and its
    // RUN container. Rejecting at once keeps "Cancel" instant for the user.
    const removeAbort = onAbort(signal, () => {
      destroy(response);
      destroy(context);
      settle(() => reject(cancelledError('The image build')));
    });
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => json.push(chunk));
    response.on('error', (err: unknown) =>
      settle(() => reject(signal?.aborted ? cancelledError('The image build') : streamError(err))),
    );
    response.on('end', () => {
      json.flush();
      tracker.finish();
      settle(() => resolve());
    });
  });

  if (tracker.error !== undefined) throw buildFailed(tracker, tag, options.buildArgs);
  // The tag is the source of truth for the id (older engines send no aux message).
  let imageId: string;
  try {
    imageId = (await imageInfo(docker, tag, { signal })).id;
  } catch (err) {
    if (signal?.aborted) throw cancelledError('The image build');
    if (err instanceof OpenClawError && err.code === ErrorCode.IMAGE_NOT_FOUND)
      throw buildFailed(tracker, tag, options.buildArgs, err);
    throw err;
  }
  return { imageId, tag, steps: tracker.steps };
}

function destroy(stream: NodeJS.ReadableStream): void {
  const destroyable = stream as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  destroyable.destroy?.();
}
