/**
 * How a downloaded .deb gets installed. electron-updater runs dpkg through a graphical admin
 * prompt (pkexec, gksudo, kdesudo or beesu) and falls back to plain `sudo`, which has no terminal
 * to ask in from a desktop app and would hang. Where no graphical prompt can appear, the user is
 * told where the file is and the one command to run instead.
 */
import { promises as fs, constants } from 'node:fs';
import path from 'node:path';

/** The admin prompts electron-updater knows, in its order. */
export const GRAPHICAL_SUDO = ['gksudo', 'kdesudo', 'pkexec', 'beesu'] as const;

export interface DebInstallFacts {
  /** The first of GRAPHICAL_SUDO found on PATH, if any. */
  adminPrompt?: string;
  /** DISPLAY or WAYLAND_DISPLAY is set: a prompt has somewhere to appear. */
  hasDisplay: boolean;
}

export type DebInstallRoute =
  | { kind: 'admin-prompt'; program: string }
  | { kind: 'manual'; why: string; url: string; file: string; command: string };

export interface DebRelease {
  version: string;
  /** File names of the release (update info); the .deb for this arch is picked from them. */
  files: readonly string[];
  /** `https://github.com/<owner>/<repo>` */
  repoUrl: string;
  /** Debian arch (`amd64`, `arm64`). */
  arch: string;
}

/** The release's .deb for this arch, or the name our artifactName pattern gives it. */
export function debFileOf(release: DebRelease): string {
  const debs = release.files.map((f) => f.split('/').pop() ?? f).filter((f) => f.endsWith('.deb'));
  return (
    debs.find((f) => f.includes(release.arch)) ??
    debs[0] ??
    `openclaw-desktop-${release.version}-linux-${release.arch}.deb`
  );
}

export function debInstallRoute(facts: DebInstallFacts, release: DebRelease): DebInstallRoute {
  if (facts.adminPrompt && facts.hasDisplay)
    return { kind: 'admin-prompt', program: facts.adminPrompt };
  const file = debFileOf(release);
  const tag = `v${release.version.replace(/^v/, '')}`;
  const why = !facts.adminPrompt
    ? 'no graphical admin prompt (pkexec) is installed'
    : 'there is no display for the admin prompt';
  return {
    kind: 'manual',
    why,
    url: `${release.repoUrl}/releases/download/${tag}/${file}`,
    file,
    command: `sudo apt install ./${file}`,
  };
}

/** Facts of this system: which admin prompt is on PATH, and whether there is a display. */
export async function probeDebInstall(env: NodeJS.ProcessEnv): Promise<DebInstallFacts> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((d) => path.isAbsolute(d));
  let adminPrompt: string | undefined;
  for (const program of GRAPHICAL_SUDO) {
    for (const dir of dirs) {
      const ok = await fs
        .access(path.join(dir, program), constants.X_OK)
        .then(() => true)
        .catch(() => false);
      if (ok) {
        adminPrompt = program;
        break;
      }
    }
    if (adminPrompt) break;
  }
  return { adminPrompt, hasDisplay: Boolean(env.DISPLAY || env.WAYLAND_DISPLAY) };
}

/** Node's arch as Debian names it. */
export function debArch(arch: string): string {
  if (arch === 'x64') return 'amd64';
  if (arch === 'arm') return 'armhf';
  return arch;
}
