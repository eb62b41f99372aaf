# Browser sandbox: `openclaw-sandbox-browser:bookworm-slim`. Chromium with the DevTools protocol
# (CDP) on port 9222 for the agent's browser tool, on a virtual display (Xvfb) that a person can
# watch and take over through noVNC (port 6080, one-time links, password protected). Headless on request
# (OPENCLAW_BROWSER_HEADLESS=1: no display, no VNC). Everything from Debian packages.
#
# Built by scripts/sandbox-browser-setup.sh through docker/sandbox (context: this file and
# browser-entrypoint.sh). Legacy-builder compatible (no `COPY --chmod`, no `RUN --mount`).

ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8

RUN set -eu; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
      bash ca-certificates chromium curl fonts-liberation fonts-noto-color-emoji jq \
      novnc procps python3 socat websockify x11vnc xvfb; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*

RUN set -eu; \
    groupadd --gid 1000 sandbox; \
    useradd --uid 1000 --gid 1000 --create-home --home-dir /home/sandbox --shell /bin/bash sandbox; \
    mkdir -p /workspace; \
    chown sandbox:sandbox /workspace

COPY browser-entrypoint.sh /usr/local/bin/openclaw-sandbox-browser
COPY browser-novnc-link.sh /usr/local/bin/openclaw-novnc-link
COPY openclaw_novnc_tokens.py /usr/local/lib/openclaw/openclaw_novnc_tokens.py
RUN chmod 0755 /usr/local/bin/openclaw-sandbox-browser /usr/local/bin/openclaw-novnc-link \
    && chmod 0644 /usr/local/lib/openclaw/openclaw_novnc_tokens.py

USER sandbox
ENV HOME=/home/sandbox
WORKDIR /workspace
EXPOSE 9222 6080

CMD ["openclaw-sandbox-browser"]

LABEL org.openclaw.desktop.image="sandbox-browser" \
      org.opencontainers.image.title="OpenClaw browser sandbox" \
      org.opencontainers.image.licenses="MIT"
