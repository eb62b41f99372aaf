/**
 * Why an image build failed, in the user's terms. A failed build used to read as one thing ("check
 * your apt package names"), but on an engine without a registry the FROM line fails first, and
 * apt that cannot reach its mirror also ends in "Unable to locate package" for a correctly spelt
 * name. Each cause gets its own stable code and its own next step; only apt's own "unknown
 * package" answer (with the mirror reached) blames the package list.
 */
import { ErrorCode } from '../../gateway/infra/errors.js';
import { stripAnsi } from './process-runner.js';

export type BuildFailureKind =
  | 'base-image-unreachable'
  | 'base-image-not-found'
  | 'apt-mirror-unreachable'
  | 'apt-package-not-found'
  | 'other';

export interface BuildFailureInput {
  /** The engine's error message (errorDetail.message), if it sent one. */
  error: string | undefined;
  /** The Dockerfile step that was running ("FROM ${NODE_IMAGE}", "RUN …"). */
  stepText: string | undefined;
  /** Output lines of the failing step (ANSI colours already removed). */
  lines: readonly string[];
  /** The FROM image with build args resolved, when known. */
  baseImage?: string;
}

export interface BuildFailure {
  kind: BuildFailureKind;
  code: ErrorCode;
  /** One sentence: what went wrong. */
  headline: string;
  /** What the user does next. */
  nextStep: string;
  /** apt package names apt reported as unknown (apt-package-not-found only). */
  packages: string[];
  /** Host and reason apt gave, e.g. "deb.debian.org: Temporary failure resolving" (mirror only). */
  mirror?: string;
}

// The classic builder wraps a RUN step's stderr in colour codes; the process runner strips the
// same sequences from compose output.
export { stripAnsi };

/** Registry answers that mean "not reachable" rather than "no such image there". */
const REGISTRY_UNREACHABLE =
  /no such host|dial tcp|i\/o timeout|connection refused|network is unreachable|tls handshake timeout|temporary failure|context deadline exceeded|proxyconnect|server misbehaving|no route to host/i;
const REGISTRY_NO_IMAGE =
  /pull access denied|manifest unknown|not found: manifest|repository does not exist|requested access to the resource is denied|no such image/i;

/** `E: Unable to locate package X`, `Package 'X' has no installation candidate`, `Version 'v' for 'X' was not found`. */
const APT_UNKNOWN = [
  /^E:\s*Unable to locate package (\S+)/,
  /^E:\s*Package '([^']+)' has no installation candidate/,
  /^E:\s*Version '[^']*' for '([^']+)' was not found/,
  /^E:\s*Couldn't find any package by (?:glob|regex) '([^']+)'/,
];

/** apt could not fetch lists or packages: its mirror (or the proxy) is not reachable. */
const APT_FETCH_FAILED =
  /^(?:W|E|Err):?\s*(?:\d+\s+)?(?:Failed to fetch|Unable to fetch)\s+(\S+)\s*(.*)$/;
const APT_ERR_LINE = /^Err:\d+\s+(\S+)/;
const APT_NET_REASON =
  /(Temporary failure resolving '[^']+'|Could not resolve '[^']+'|Could not connect to [^\s]+|Connection timed out|Connection failed|Network is unreachable|No route to host|Unable to connect to [^\s]+|Cannot initiate the connection to [^\s]+)/i;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const LOCAL_BASE_HELP =
  'Make local base images (in the app: Settings → Gateway image → “Make local base images”; ' +
  'in a terminal: `sudo scripts/make-base-images.sh`), load one with `docker load -i <file>`, ' +
  'or give the Docker engine a registry mirror it can reach; then build again.';

export function classifyBuildFailure(input: BuildFailureInput): BuildFailure {
  const error = stripAnsi(input.error ?? '').trim();
  const lines = input.lines.map((l) => stripAnsi(l).trim()).filter(Boolean);
  const step = (input.stepText ?? '').trim();
  const base = input.baseImage ?? (/^FROM\s+(\S+)/i.exec(step)?.[1] || 'the base image');

  // 1. The FROM step: the base image is neither on the engine nor downloadable.
  if (
    /^FROM\s/i.test(step) ||
    (!step && (REGISTRY_UNREACHABLE.test(error) || REGISTRY_NO_IMAGE.test(error)))
  ) {
    if (REGISTRY_NO_IMAGE.test(error) && !REGISTRY_UNREACHABLE.test(error)) {
      return {
        kind: 'base-image-not-found',
        code: ErrorCode.BASE_IMAGE_UNAVAILABLE,
        headline: `The base image ${base} is not on this Docker engine, and the registry has no image of that name (${error}).`,
        nextStep: `Check the image name (OPENCLAW_NODE_IMAGE, if you set it). ${LOCAL_BASE_HELP}`,
        packages: [],
      };
    }
    return {
      kind: 'base-image-unreachable',
      code: ErrorCode.BASE_IMAGE_UNAVAILABLE,
      headline: `The base image ${base} is not on this Docker engine and no image registry could be reached to download it (${error || 'no answer'}). Your settings are not the cause.`,
      nextStep: LOCAL_BASE_HELP,
      packages: [],
    };
  }

  // 2. apt could not reach its mirror. Checked before "unknown package": with no package lists,
  //    apt reports every package, even a correctly spelt one, as "Unable to locate package".
  let mirror: string | undefined;
  for (let i = 0; i < lines.length && !mirror; i++) {
    const line = lines[i]!;
    const fetch = APT_FETCH_FAILED.exec(line);
    const reason = APT_NET_REASON.exec(line)?.[1] ?? APT_NET_REASON.exec(lines[i + 1] ?? '')?.[1];
    if (fetch && reason) mirror = `${hostOf(fetch[1]!)}: ${reason}`;
    const err = APT_ERR_LINE.exec(line);
    if (!mirror && err && reason) mirror = `${hostOf(err[1]!)}: ${reason}`;
  }
  const unknown: string[] = [];
  for (const line of lines) {
    for (const pattern of APT_UNKNOWN) {
      const name = pattern.exec(line)?.[1];
      if (name && !unknown.includes(name)) unknown.push(name);
    }
  }
  if (mirror) {
    return {
      kind: 'apt-mirror-unreachable',
      code: ErrorCode.APT_MIRROR_UNREACHABLE,
      headline: `The extra apt packages could not be installed: the build could not reach the Debian package mirror (${mirror}). The package names were not checked and are probably fine.`,
      nextStep:
        'Check this computer’s internet connection (or proxy) and that Docker builds can reach the mirror, then build again. To build without network, remove the extra packages for now.',
      packages: [],
      mirror,
    };
  }

  // 3. apt reached its mirror and said a package does not exist: now the list is the cause.
  if (unknown.length > 0) {
    const list = unknown.map((n) => `“${n}”`).join(', ');
    return {
      kind: 'apt-package-not-found',
      code: ErrorCode.APT_PACKAGE_NOT_FOUND,
      headline: `Debian has no package named ${list} (apt reached the mirror and did not find ${unknown.length === 1 ? 'it' : 'them'}).`,
      nextStep:
        'Check the spelling (Debian names are lowercase, e.g. “python3-pip”; search packages.debian.org for bookworm) or remove it from the extra packages, then build again.',
      packages: unknown,
    };
  }

  return {
    kind: 'other',
    code: ErrorCode.IMAGE_BUILD_FAILED,
    headline: error
      ? `The build step failed: ${error}`
      : 'The build stream ended without a result.',
    nextStep: 'See the last output lines below for the cause, fix it and build again.',
    packages: [],
  };
}
