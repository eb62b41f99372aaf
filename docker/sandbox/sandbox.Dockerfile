# Agent sandbox image: `openclaw-sandbox:bookworm-slim`, the default image of
# `agents.*.sandbox.docker.image`. The agent's exec and file tools run in containers made from it
# (by sandboxd, hardened: read-only root, no capabilities, no network by default).
#
# Built by scripts/sandbox-setup.sh or `OPENCLAW_SANDBOX=1 ./docker-setup.sh` through
# docker/sandbox (the context is this file alone). BASE_IMAGE is resolved like the gateway's base:
# OPENCLAW_BASE_IMAGE, else debian:bookworm-slim, else the local openclaw-base/debian image.
# Written for the legacy builder too (Docker 20.10 without BuildKit): no `RUN --mount`.

ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8

RUN set -eu; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
      bash ca-certificates curl git jq python3 ripgrep; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*

# uid/gid 1000 like the gateway's `node` user, so files the agent writes in a bind-mounted
# workspace belong to the same host user as the gateway's. sandboxd may still run the container
# as the workspace owner (`--user`); HOME and the workdir stay usable for any uid.
RUN set -eu; \
    groupadd --gid 1000 sandbox; \
    useradd --uid 1000 --gid 1000 --create-home --home-dir /home/sandbox --shell /bin/bash sandbox; \
    mkdir -p /workspace; \
    chown sandbox:sandbox /workspace

USER sandbox
ENV HOME=/home/sandbox
WORKDIR /workspace

CMD ["sleep", "infinity"]

LABEL org.openclaw.desktop.image="sandbox" \
      org.opencontainers.image.title="OpenClaw agent sandbox" \
      org.opencontainers.image.licenses="MIT"
