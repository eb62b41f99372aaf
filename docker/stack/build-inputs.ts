/**
 * Values that reach `docker build` (apt packages, base images) and `image:` in compose. The apt
 * list ends up in a root shell inside the build, so the same pattern is enforced again by
 * docker/gateway.Dockerfile; a test keeps the two identical.
 */

/**
 * A Debian package name (lower case, digits, `+ . -`, at least two characters, starting with a
 * letter or digit), optionally pinned with `=version`. No `:arch`, no globs, no options.
 */
export const APT_PACKAGE_PATTERN = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;
export const MAX_APT_PACKAGES = 50;
const MAX_APT_PACKAGE_LENGTH = 128;

export interface AptProblem {
  value: string;
  message: string;
}

/** Space-separated list → unique names in order, plus one problem per bad name. */
export function parseAptPackages(value: string | undefined): {
  packages: string[];
  problems: AptProblem[];
} {
  const packages: string[] = [];
  const problems: AptProblem[] = [];
  const v = value ?? '';
  // Line breaks would start a new `.env` line: refuse the whole value rather than split on them.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point.
  if (/[\r\n\u0000]/.test(v)) {
    problems.push({
      value: v,
      message: 'contains a line break; separate package names with spaces',
    });
    return { packages, problems };
  }
  for (const name of v.split(/[ \t]+/).filter((n) => n !== '')) {
    if (!APT_PACKAGE_PATTERN.test(name) || name.length > MAX_APT_PACKAGE_LENGTH) {
      problems.push({
        value: name,
        message: `apt package ${JSON.stringify(name)} is not a Debian package name (lower-case letters, digits, "+", "." and "-", optionally =version); separate names with spaces`,
      });
    } else if (!packages.includes(name)) {
      packages.push(name);
    }
  }
  if (packages.length > MAX_APT_PACKAGES) {
    problems.push({
      value: v,
      message: `lists ${packages.length} packages; at most ${MAX_APT_PACKAGES} are allowed`,
    });
  }
  return { packages, problems };
}

/**
 * Docker image reference: `[registry[:port]/]path[:tag][@sha256:digest]`, path components in
 * lower case as Docker requires. Deliberately a subset (no IPv6 registries).
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REGISTRY =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)';
export const IMAGE_REFERENCE_PATTERN = new RegExp(
  `^${REGISTRY}?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
const MAX_IMAGE_REFERENCE_LENGTH = 255;

export function checkImageReference(value: string): string | undefined {
  if (value.length > MAX_IMAGE_REFERENCE_LENGTH)
    return `is longer than ${MAX_IMAGE_REFERENCE_LENGTH} characters`;
  if (!IMAGE_REFERENCE_PATTERN.test(value)) {
    return 'is not a Docker image reference such as openclaw:local or registry.example.com/team/openclaw:1.2 (lower-case name, optional :tag)';
  }
  return undefined;
}
