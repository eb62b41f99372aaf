/**
 * Readable names for Dockerfile steps. The classic builder reports "Step 3/15 : RUN set -eu; …" —
 * the whole shell script of a step — which is what the user saw as the headline of a build. This
 * turns the instruction into a sentence ("Installing apt packages: jq") from the instruction itself
 * and the build args, so any Dockerfile gets sensible names; a caller that knows its Dockerfile can
 * name particular steps better (`StepLabelRule`).
 */

/** A caller-supplied name for steps whose instruction matches (first match wins). */
export interface StepLabelRule {
  match: RegExp;
  label: string;
}

export interface DescribeStepOptions {
  buildArgs?: Record<string, string>;
  rules?: readonly StepLabelRule[];
}

const MAX_LABEL = 80;

/** "RUN apt-get install -y $PKGS" with PKGS="jq git" → "Installing apt packages: jq, git". */
export function describeBuildStep(instruction: string, options: DescribeStepOptions = {}): string {
  const text = instruction.trim();
  for (const rule of options.rules ?? []) if (rule.match.test(text)) return rule.label;
  const space = text.search(/\s/);
  const keyword = (space === -1 ? text : text.slice(0, space)).toUpperCase();
  const rest = space === -1 ? '' : text.slice(space).trim();
  const args = options.buildArgs ?? {};
  switch (keyword) {
    case 'FROM':
      return `Starting from the base image ${expand(rest.split(/\s+/)[0] ?? '', args)}`;
    case 'ARG':
      return `Reading the build setting ${rest.split('=')[0]?.trim() ?? ''}`.trim();
    case 'ENV':
      return `Setting ${listOf(envNames(rest))}`;
    case 'USER':
      return rest === 'root' || rest === '0'
        ? 'Switching to the root user'
        : `Switching to the user ${rest}`;
    case 'WORKDIR':
      return `Setting the working folder to ${rest}`;
    case 'EXPOSE':
      return `Declaring port ${rest}`;
    case 'HEALTHCHECK':
      return 'Adding the health check';
    case 'ENTRYPOINT':
    case 'CMD':
      return 'Setting the start command';
    case 'LABEL':
      return 'Labelling the image';
    case 'VOLUME':
      return `Declaring the volume ${rest}`;
    case 'COPY':
    case 'ADD': {
      const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'));
      const dest = parts.pop() ?? '';
      return clip(`Copying ${parts.join(', ')} into ${dest}`);
    }
    case 'RUN':
      return describeRun(rest, args);
    default:
      return clip(text);
  }
}

function describeRun(script: string, args: Record<string, string>): string {
  const install = /apt-get\s+(?:-\S+\s+)*install\b(.*)/.exec(script);
  if (install) {
    // The package list ends at the next command separator; `$VAR` comes from the build args.
    const tail = (install[1] ?? '').split(/;|&&|\|\|/)[0] ?? '';
    const packages = tail
      .split(/\s+/)
      .filter((w) => w && !w.startsWith('-'))
      .flatMap((w) => expand(w, args).split(/\s+/))
      .filter(Boolean);
    return packages.length
      ? clip(`Installing apt packages: ${packages.join(', ')}`)
      : 'Checking for extra apt packages (none requested)';
  }
  // Otherwise name the first real command ("set -eu" and friends only configure the shell).
  const commands = script
    .split(/;|&&|\|\|/)
    .map((c) => c.trim())
    .filter((c) => c && !/^set\s/.test(c));
  const first = commands[0] ?? script;
  return clip(`Running ${first}${commands.length > 1 ? ' …' : ''}`);
}

/** `${NAME}` / `$NAME` replaced by its build arg (unset → empty, as the shell would). */
function expand(word: string, args: Record<string, string>): string {
  return word.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => args[name] ?? '');
}

function envNames(rest: string): string[] {
  // `ENV A=1 B=2` or the legacy `ENV A 1`.
  if (!rest.includes('=')) return [rest.split(/\s+/)[0] ?? ''];
  return [...rest.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? '');
}

function listOf(names: string[]): string {
  return names.length === 1 ? `the variable ${names[0]}` : `the variables ${names.join(', ')}`;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_LABEL ? `${flat.slice(0, MAX_LABEL - 1)}…` : flat;
}
