/**
 * Which release stream a build follows, read from its own version: `1.2.0-beta.3` follows
 * "beta" (and accepts pre-releases), `1.2.0` follows "latest". electron-builder publishes with
 * `detectUpdateChannel`, which files each release under the same name, so a beta build finds the
 * next beta and a stable build never sees one.
 */
export interface UpdateChannel {
  channel: string;
  allowPrerelease: boolean;
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function updateChannelOf(version: string): UpdateChannel {
  const match = SEMVER.exec(version.trim());
  const pre = match?.[4];
  if (!pre) return { channel: 'latest', allowPrerelease: false };
  const first = pre.split('.')[0]?.toLowerCase() ?? '';
  // A numeric pre-release (`1.2.0-1`) names no stream: it stays on latest but is a pre-release.
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(first)) return { channel: 'latest', allowPrerelease: true };
  return { channel: first, allowPrerelease: true };
}

/** -1, 0 or 1 for two `x.y.z[-pre]` versions (pre-releases sort before their release). */
export function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a.trim());
  const pb = SEMVER.exec(b.trim());
  if (!pa || !pb) return a === b ? 0 : a < b ? -1 : 1;
  for (let i = 1; i <= 3; i += 1) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  const preA = pa[4];
  const preB = pb[4];
  if (!preA || !preB) return preA === preB ? 0 : preA ? -1 : 1;
  const ia = preA.split('.');
  const ib = preB.split('.');
  for (let i = 0; i < Math.max(ia.length, ib.length); i += 1) {
    const x = ia[i];
    const y = ib[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return Math.sign(nx - ny);
    } else if (nx !== undefined) return -1;
    else if (ny !== undefined) return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
