# Agent sandbox with the usual build tools: `openclaw-sandbox-common:bookworm-slim`. FROM the
# sandbox image (built first when missing); adds Node 22 (copied from the Node base the gateway
# image uses, so no registry or installer script is needed), Go, Rust and build-essential from
# Debian packages. Select it with `agents.defaults.sandbox.docker.image`.
#
# Built by scripts/sandbox-common-setup.sh through docker/sandbox. Legacy-builder compatible.

ARG BASE_IMAGE=openclaw-sandbox:bookworm-slim
ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE} AS node

FROM ${BASE_IMAGE}
USER root

# Debian packages only (no curl | sh installers): what they install is signed by the archive.
RUN set -eu; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
      build-essential pkg-config file unzip xz-utils wget \
      golang-go rustc cargo; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*

# The Node base keeps node (and, in the official image, npm/npx/corepack) under /usr/local; the
# sandbox image's /usr/local is empty, so the whole tree is merged in as it is.
COPY --from=node /usr/local/ /usr/local/
# The locally made Node base carries node alone: npm then comes from Debian (it runs on the
# copied Node 22, which is first on PATH; Debian's own nodejs only satisfies the dependency).
RUN set -eu; \
    if ! command -v npm >/dev/null 2>&1; then \
      apt-get update; \
      apt-get install -y --no-install-recommends npm; \
      apt-get clean; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    node --version; \
    npm --version

USER sandbox
WORKDIR /workspace

LABEL org.openclaw.desktop.image="sandbox-common" \
      org.opencontainers.image.title="OpenClaw agent sandbox (common build tools)"
