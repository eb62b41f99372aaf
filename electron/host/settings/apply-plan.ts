/**
 * The smallest action that brings a running stack in line with changed settings. Apt packages are
 * baked into the image, so changing them means a rebuild; everything compose reads from `.env` or
 * the extra file (mounts, home volume, port, folders, image) only needs the container recreated,
 * which `compose up -d` does by itself when the service definition changed. App-only settings
 * (tray, login item) need nothing.
 */
import type { ApplyPlan, ExtraMount, HomeVolume, StackSettings } from '../../contract/host-api.js';
import { DEFAULT_IMAGE } from '../../../docker/stack/index.js';

export type StackChangeAction = ApplyPlan['action'];
export type StackChangePlan = ApplyPlan;

/** The settings a plan looks at; image and stack folder are optional for callers that fix them. */
export type PlannedSettings = StackSettings & { image?: string; stackDir?: string };

function mountText(m: ExtraMount): string {
  return `${m.source} → ${m.target}${m.readOnly ? ' (read-only)' : ''}`;
}

function homeText(h: HomeVolume): string {
  if (h === null) return 'none';
  return h.kind === 'volume' ? `volume ${h.name}` : `folder ${h.source}`;
}

function listDelta(before: readonly string[], after: readonly string[]): string {
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${added.join(', ')}`);
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'reordered';
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Compare two settings and say what applying `next` takes. Pure. Order of apt packages counts
 * (it is the build argument, and the image label setup compares), order of mounts too (the
 * generated compose file changes, so compose recreates).
 */
export function planStackChange(current: PlannedSettings, next: PlannedSettings): StackChangePlan {
  const rebuild: string[] = [];
  const recreate: string[] = [];
  const notes: string[] = [];
  const currentImage = current.image ?? DEFAULT_IMAGE;
  const nextImage = next.image ?? DEFAULT_IMAGE;

  if (!sameList(current.aptPackages, next.aptPackages)) {
    const delta = listDelta(current.aptPackages, next.aptPackages);
    if (nextImage === DEFAULT_IMAGE) {
      rebuild.push(`apt packages changed (${delta}): the image is rebuilt with them`);
    } else {
      notes.push(
        `apt packages changed (${delta}), but they only apply to the locally built ${DEFAULT_IMAGE}; ${nextImage} is used as is`,
      );
    }
  }
  if (currentImage !== nextImage) recreate.push(`image changed (${currentImage} → ${nextImage})`);
  const mountsBefore = current.extraMounts.map(mountText);
  const mountsAfter = next.extraMounts.map(mountText);
  if (!sameList(mountsBefore, mountsAfter))
    recreate.push(`extra mounts changed (${listDelta(mountsBefore, mountsAfter)})`);
  if (homeText(current.homeVolume) !== homeText(next.homeVolume)) {
    recreate.push(
      `home volume changed (${homeText(current.homeVolume)} → ${homeText(next.homeVolume)})`,
    );
  }
  if (current.gatewayPort !== next.gatewayPort)
    recreate.push(`port changed (${current.gatewayPort} → ${next.gatewayPort})`);
  if (current.exposeOnLan !== next.exposeOnLan) {
    recreate.push(
      next.exposeOnLan
        ? 'the gateway port is now published on the local network'
        : 'the gateway port is now published on this computer only',
    );
  }
  if (current.configDir !== next.configDir)
    recreate.push(`config folder changed (${current.configDir} → ${next.configDir})`);
  if (current.workspaceDir !== next.workspaceDir)
    recreate.push(`workspace folder changed (${current.workspaceDir} → ${next.workspaceDir})`);
  if (
    current.stackDir !== undefined &&
    next.stackDir !== undefined &&
    current.stackDir !== next.stackDir
  )
    recreate.push(`stack folder moved (${current.stackDir} → ${next.stackDir})`);

  if (rebuild.length > 0)
    return { action: 'rebuild', reasons: [...rebuild, ...recreate, ...notes] };
  if (recreate.length > 0) return { action: 'recreate', reasons: [...recreate, ...notes] };
  return { action: 'none', reasons: notes };
}
