# OpenClaw gateway image (the `openclaw-cli` compose service runs the same image).
#
# The build context is made by docker/build-context.ts (`stageBuildContext`): this file as
# `Dockerfile`, `app/gateway/` (the self-contained bundle from `npm run build`) and, when it was
# built, `app/control-ui/`. Nothing comes from npm here, so the image builds offline; the only
# network use is the apt packages a user asks for.
#
#   docker build --build-arg NODE_IMAGE=openclaw-base/node:22-bookworm-slim -t openclaw:local <context>
#
# Written for the legacy builder as well (Docker 20.10 without BuildKit): no `COPY --chmod`, no
# heredocs, no `RUN --mount`.
#
# Running it without compose: `docker run --init -p 127.0.0.1:18789:18789 ...`. `--init` makes
# docker-init PID 1 so zombie processes left by agent tools are reaped (compose sets `init: true`).
#
# Security defaults: runs as `node` (uid 1000); /app is root-owned and read-only to the gateway;
# no Homebrew, no browsers, no Docker CLI, no compilers.
#
# A browser for the agent's `browser` tool is the user's choice, installed after the build into
# the persisted home (needs the home volume, OPENCLAW_HOME_VOLUME):
#   docker compose run --rm openclaw-cli node /app/node_modules/playwright-core/cli.js install chromium
# Chromium's system libraries come from OPENCLAW_DOCKER_APT_PACKAGES at build time; nothing runs
# `--with-deps` (root apt) in a running container.

ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE}

USER root

# Extra Debian packages (space-separated), chosen by the user in setup. This layer comes FIRST on
# purpose: the bundle changes on every build and app update, the package list rarely. Placed here,
# a new bundle reuses the cached packages (no network, no minutes of apt), while a new list only
# re-runs this step plus the cheap copy below.
#
# Setup validates the names already; they are checked again here (defence in depth) because this
# string reaches a root shell: Debian package names only, optionally `=version`, at most 50.
ARG OPENCLAW_DOCKER_APT_PACKAGES=""
RUN set -eu; \
    set -f; \
    count=0; \
    for p in $OPENCLAW_DOCKER_APT_PACKAGES; do \
      if ! printf '%s\n' "$p" | grep -Eqx '[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?'; then \
        echo "OPENCLAW_DOCKER_APT_PACKAGES: refusing '$p': only Debian package names (a-z 0-9 + . -), optionally =version" >&2; \
        exit 1; \
      fi; \
      count=$((count + 1)); \
    done; \
    if [ "$count" -gt 50 ]; then \
      echo "OPENCLAW_DOCKER_APT_PACKAGES: $count packages given, at most 50 are allowed" >&2; \
      exit 1; \
    fi; \
    if [ "$count" -eq 0 ]; then exit 0; fi; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -- $OPENCLAW_DOCKER_APT_PACKAGES; \
    apt-get clean; \
    set +f; \
    rm -rf /var/lib/apt/lists/*

COPY app/ /app/

# - the state dir exists and belongs to node, so a named home volume starts with the right owner;
# - the entry is executable even when the context came from a filesystem without modes (Windows);
# - `openclaw ...` works in `docker exec` shells;
# - /app/gateway/control-ui points at /app/control-ui: the bundled gateway resolves the UI relative
#   to its chunk files, so both lookups (`gateway/../control-ui` and `gateway/chunks/../control-ui`)
#   land on the same directory.
RUN mkdir -p /home/node/.openclaw/workspace /home/node/.cache/ms-playwright \
    && chown -R node:node /home/node/.openclaw /home/node/.cache \
    && chmod 0700 /home/node/.openclaw \
    && chmod 0755 /app/gateway/openclaw.mjs \
    && ln -sfn /app/gateway/openclaw.mjs /usr/local/bin/openclaw \
    && ln -sfn ../control-ui /app/gateway/control-ui

ENV HOME=/home/node \
    OPENCLAW_STATE_DIR=/home/node/.openclaw \
    PLAYWRIGHT_BROWSERS_PATH=/home/node/.cache/ms-playwright \
    NODE_ENV=production

WORKDIR /home/node
USER node
EXPOSE 18789

# Node itself is the probe (the image has no curl). /healthz is unauthenticated liveness.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:18789/healthz',{signal:AbortSignal.timeout(4000)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# A 1 MiB young generation: the gateway holds little short-lived data, and the default (16 MiB
# semi-spaces) kept ~12 MB more resident at idle and ~25 MB more with 20 chats streaming, at no
# measurable latency cost (npm run bench, agent section). The bench starts the gateway the same way.
ENTRYPOINT ["node", "--max-semi-space-size=1", "/app/gateway/openclaw.mjs"]
CMD ["gateway", "run", "--allow-unconfigured", "--bind", "lan", "--port", "18789"]

# Last, so a version bump never invalidates a cached layer above.
ARG OPENCLAW_VERSION=dev
LABEL org.openclaw.desktop.image="gateway" \
      org.openclaw.desktop.version="${OPENCLAW_VERSION}" \
      org.opencontainers.image.title="OpenClaw gateway" \
      org.opencontainers.image.description="OpenClaw-compatible AI gateway and CLI (OpenClaw Desktop)" \
      org.opencontainers.image.version="${OPENCLAW_VERSION}" \
      org.opencontainers.image.licenses="MIT"
