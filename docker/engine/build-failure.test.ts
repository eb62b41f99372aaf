// The build-failure classifier fed real /build streams from a Docker 20.10 engine (classic
// builder), recorded from docker/gateway.Dockerfile in fixtures/build-failures/:
//   base-missing   FROM node:22-bookworm-slim with no registry reachable
//   apt-unknown    OPENCLAW_DOCKER_APT_PACKAGES="jq nosuchpkg-wtimg", mirror reachable
//   apt-offline    OPENCLAW_DOCKER_APT_PACKAGES="jq", build network "none" (mirror unreachable)
//   other-failure  a later RUN step failing (empty bundle: chmod of a missing file)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../gateway/infra/errors.js';
import { classifyBuildFailure, stripAnsi } from './build-failure.js';
import { BuildProgressTracker, describeBuildFailure, parseBuildMessage } from './image-build.js';
import { LineSplitter } from './line-splitter.js';

const FIXTURES = path.join(__dirname, 'fixtures', 'build-failures');

/** Feeds a recorded stream through the same parser buildImage uses, in awkward chunk sizes. */
function replay(name: string, chunk = 37): BuildProgressTracker {
  const text = readFileSync(path.join(FIXTURES, `${name}.jsonl`), 'utf8');
  const tracker = new BuildProgressTracker(() => {});
  const json = new LineSplitter((line) => {
    if (line.trim()) tracker.handle(parseBuildMessage(line));
  });
  for (let i = 0; i < text.length; i += chunk) json.push(text.slice(i, i + chunk));
  json.flush();
  tracker.finish();
  return tracker;
}

const APP_ARGS = { NODE_IMAGE: 'openclaw-base/node:22-bookworm-slim' };

describe('classifyBuildFailure on real engine output', () => {
  it('a missing base image with no registry is BASE_IMAGE_UNAVAILABLE naming the resolved FROM image, not the packages', () => {
    const failure = describeBuildFailure(replay('base-missing'));
    expect(failure.kind).toBe('base-image-unreachable');
    expect(failure.code).toBe(ErrorCode.BASE_IMAGE_UNAVAILABLE);
    // FROM ${NODE_IMAGE} resolved through the Dockerfile's own ARG default.
    expect(failure.headline).toContain('node:22-bookworm-slim');
    expect(failure.headline).toContain('registry-1.docker.io');
    expect(failure.nextStep).toMatch(/make-base-images\.sh/);
    expect(failure.nextStep).toMatch(/docker load -i/);
    expect(`${failure.headline} ${failure.nextStep}`).not.toMatch(/apt|spelling|misspel/i);
  });

  it('apt saying "Unable to locate package" after reaching the mirror is APT_PACKAGE_NOT_FOUND for that name only', () => {
    const tracker = replay('apt-unknown');
    // The colour codes around apt's stderr are gone from what the user sees.
    expect(tracker.tail).toContain('E: Unable to locate package nosuchpkg-wtimg');
    const failure = describeBuildFailure(tracker, APP_ARGS);
    expect(failure.kind).toBe('apt-package-not-found');
    expect(failure.code).toBe(ErrorCode.APT_PACKAGE_NOT_FOUND);
    expect(failure.packages).toEqual(['nosuchpkg-wtimg']);
    expect(failure.headline).toContain('“nosuchpkg-wtimg”');
    expect(failure.headline).not.toContain('“jq”');
    expect(failure.nextStep).toMatch(/spelling/);
  });

  it('apt that could not reach the mirror is APT_MIRROR_UNREACHABLE although apt also says "Unable to locate package jq"', () => {
    const tracker = replay('apt-offline', 11);
    expect(tracker.stepLines).toContain('E: Unable to locate package jq');
    const failure = describeBuildFailure(tracker, APP_ARGS);
    expect(failure.kind).toBe('apt-mirror-unreachable');
    expect(failure.code).toBe(ErrorCode.APT_MIRROR_UNREACHABLE);
    expect(failure.mirror).toBe("deb.debian.org: Temporary failure resolving 'deb.debian.org'");
    expect(failure.headline).toMatch(/names were not checked/);
    expect(failure.packages).toEqual([]);
  });

  it('any other failing step stays IMAGE_BUILD_FAILED and blames nobody', () => {
    const failure = describeBuildFailure(replay('other-failure'), APP_ARGS);
    expect(failure.kind).toBe('other');
    expect(failure.code).toBe(ErrorCode.IMAGE_BUILD_FAILED);
    expect(failure.headline).toContain('returned a non-zero code: 1');
    expect(`${failure.headline} ${failure.nextStep}`).not.toMatch(/apt|package|registry/i);
  });
});

describe('classifyBuildFailure edge cases', () => {
  it('a registry that answers but has no such image is "not found", with a hint to check the name', () => {
    const failure = classifyBuildFailure({
      error:
        "pull access denied for openclaw-base/nod, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      stepText: 'FROM openclaw-base/nod:22-bookworm-slim',
      lines: [],
    });
    expect(failure.kind).toBe('base-image-not-found');
    expect(failure.code).toBe(ErrorCode.BASE_IMAGE_UNAVAILABLE);
    expect(failure.headline).toContain('openclaw-base/nod:22-bookworm-slim');
    expect(failure.nextStep).toMatch(/OPENCLAW_NODE_IMAGE/);
  });

  it('"no installation candidate" and a missing version are unknown packages too', () => {
    const failure = classifyBuildFailure({
      error: "The command '/bin/sh -c apt-get install …' returned a non-zero code: 100",
      stepText: 'RUN apt-get install',
      lines: [
        'Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]',
        "E: Package 'python-pip' has no installation candidate",
        "E: Version '9.9' for 'curl' was not found",
      ],
    });
    expect(failure.code).toBe(ErrorCode.APT_PACKAGE_NOT_FOUND);
    expect(failure.packages).toEqual(['python-pip', 'curl']);
  });

  it('a mirror that fails while downloading .deb files is the mirror, not the package list', () => {
    const failure = classifyBuildFailure({
      error: 'returned a non-zero code: 100',
      stepText: 'RUN apt-get install',
      lines: [
        'E: Failed to fetch http://mirror.example/debian/pool/main/j/jq/jq_1.6-2.1_amd64.deb  Could not connect to mirror.example:80 (10.0.0.1), connection timed out',
        'E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?',
      ],
    });
    expect(failure.code).toBe(ErrorCode.APT_MIRROR_UNREACHABLE);
    expect(failure.mirror).toBe('mirror.example: Could not connect to mirror.example:80');
  });

  it('strips the colour codes the classic builder puts around stderr', () => {
    expect(stripAnsi('\u001b[91mE\u001b[0m\u001b[91m: Unable to locate package x')).toBe(
      'E: Unable to locate package x',
    );
  });
});
