// The build progress parser, fed a classic-builder /build stream as the engine sends it: JSON
// objects split at arbitrary chunk boundaries, "Step" lines split from their newline.
import { describe, expect, it } from 'vitest';
import {
  BuildProgressTracker,
  classifyBuildLine,
  parseBuildMessage,
  type BuildProgressEvent,
} from './image-build.js';
import { LineSplitter } from './line-splitter.js';

const STREAM = [
  { stream: 'Step 1/3 : FROM openclaw-base/debian:bookworm-slim' },
  { stream: '\n' },
  { stream: ' ---\u003e 34587662237c\n' },
  { stream: 'Step 2/3 : ARG GREETING' },
  { stream: '\n' },
  { stream: ' ---\u003e Running in 5d1c0f3e2b1a\n' },
  { stream: 'Removing intermediate container 5d1c0f3e2b1a\n' },
  { stream: 'Step 3/3 : RUN apt-get install -y no-such-package' },
  { stream: '\n' },
  { stream: 'E: Unable to locate package no-such-package\n' },
  {
    errorDetail: {
      code: 100,
      message:
        "The command '/bin/sh -c apt-get install -y no-such-package' returned a non-zero code: 100",
    },
    error:
      "The command '/bin/sh -c apt-get install -y no-such-package' returned a non-zero code: 100",
  },
]
  .map((m) => `${JSON.stringify(m)}\r\n`)
  .join('');

function feed(
  text: string,
  chunkSize: number,
): { events: BuildProgressEvent[]; tracker: BuildProgressTracker } {
  const events: BuildProgressEvent[] = [];
  const tracker = new BuildProgressTracker((e) => events.push(e));
  const json = new LineSplitter((line) => {
    if (line.trim()) tracker.handle(parseBuildMessage(line));
  });
  for (let i = 0; i < text.length; i += chunkSize) json.push(text.slice(i, i + chunkSize));
  json.flush();
  tracker.finish();
  return { events, tracker };
}

describe('build progress', () => {
  it('classifies classic-builder step lines', () => {
    expect(classifyBuildLine('Step 3/9 : RUN apt-get update')).toEqual({
      kind: 'step',
      index: 3,
      total: 9,
      text: 'RUN apt-get update',
      label: 'RUN apt-get update',
    });
    expect(classifyBuildLine(' ---> Running in abc')).toEqual({
      kind: 'log',
      text: ' ---> Running in abc',
    });
  });

  it('turns a stream split at any boundary into the same events and remembers the failing step', () => {
    const expected = feed(STREAM, STREAM.length).events;
    for (const size of [1, 7, 64]) expect(feed(STREAM, size).events).toEqual(expected);

    const { events, tracker } = feed(STREAM, 13);
    expect(events.filter((e) => e.kind === 'step')).toEqual([
      {
        kind: 'step',
        index: 1,
        total: 3,
        text: 'FROM openclaw-base/debian:bookworm-slim',
        label: 'Starting from the base image openclaw-base/debian:bookworm-slim',
      },
      {
        kind: 'step',
        index: 2,
        total: 3,
        text: 'ARG GREETING',
        label: 'Reading the build setting GREETING',
      },
      {
        kind: 'step',
        index: 3,
        total: 3,
        text: 'RUN apt-get install -y no-such-package',
        label: 'Installing apt packages: no-such-package',
      },
    ]);
    expect(events).toContainEqual({
      kind: 'log',
      text: 'E: Unable to locate package no-such-package',
    });
    expect(events.at(-1)).toEqual({
      kind: 'error',
      text: expect.stringContaining('returned a non-zero code: 100'),
    });
    expect(tracker.currentStep).toEqual({
      index: 3,
      total: 3,
      text: 'RUN apt-get install -y no-such-package',
    });
    expect(tracker.tail).toContain('E: Unable to locate package no-such-package');
    expect(tracker.steps).toBe(3);
  });

  it('takes the image id from aux or "Successfully built", and summarises pull progress', () => {
    const { tracker, events } = feed(
      [
        { status: 'Pulling from library/debian', id: 'bookworm-slim' },
        {
          status: 'Downloading',
          progressDetail: { current: 1, total: 2 },
          progress: '[=>   ]',
          id: 'abc',
        },
        { aux: { ID: 'sha256:1234' } },
        { stream: 'Successfully built 1234\n' },
      ]
        .map((m) => JSON.stringify(m))
        .join('\n'),
      5,
    );
    expect(tracker.imageId).toBe('sha256:1234');
    expect(events).toEqual([
      { kind: 'log', text: 'bookworm-slim: Pulling from library/debian' },
      { kind: 'log', text: 'Successfully built 1234' },
    ]);
  });

  it('validates message fields instead of trusting them', () => {
    expect(parseBuildMessage('{"stream": 5, "error": {"x": 1}, "aux": "nope"}')).toEqual({});
    expect(parseBuildMessage('not json')).toEqual({ stream: 'not json\n' });
    expect(parseBuildMessage('[1,2]')).toEqual({});
  });
});
