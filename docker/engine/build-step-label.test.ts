// Step names the user reads during a build: derived from the instruction, never the raw script.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_STEP_LABELS } from '../setup/run-setup.js';
import { describeBuildStep } from './build-step-label.js';

/** The instructions of a Dockerfile as the classic builder prints them (continuations joined). */
function instructions(dockerfile: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of dockerfile.split('\n')) {
    const line = raw.trim();
    if (!current && (line.startsWith('#') || !line)) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) current += `${line.slice(0, -1)} `;
    else {
      out.push(current + line);
      current = '';
    }
  }
  return out;
}

describe('describeBuildStep', () => {
  it('names the apt step after the packages from the build args', () => {
    const run =
      'RUN set -eu; set -f; for p in $OPENCLAW_DOCKER_APT_PACKAGES; do :; done; apt-get update; ' +
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -- $OPENCLAW_DOCKER_APT_PACKAGES; apt-get clean';
    expect(
      describeBuildStep(run, { buildArgs: { OPENCLAW_DOCKER_APT_PACKAGES: 'jq ripgrep' } }),
    ).toBe('Installing apt packages: jq, ripgrep');
    expect(describeBuildStep(run, { buildArgs: { OPENCLAW_DOCKER_APT_PACKAGES: '' } })).toBe(
      'Checking for extra apt packages (none requested)',
    );
    expect(describeBuildStep('RUN apt-get install -y curl && rm -rf /x')).toBe(
      'Installing apt packages: curl',
    );
  });

  it('names the other instructions in words', () => {
    expect(
      describeBuildStep('FROM ${NODE_IMAGE}', { buildArgs: { NODE_IMAGE: 'node:22-slim' } }),
    ).toBe('Starting from the base image node:22-slim');
    expect(describeBuildStep('ARG OPENCLAW_DOCKER_APT_PACKAGES=""')).toBe(
      'Reading the build setting OPENCLAW_DOCKER_APT_PACKAGES',
    );
    expect(describeBuildStep('ENV HOME=/home/node     NODE_ENV=production')).toBe(
      'Setting the variables HOME, NODE_ENV',
    );
    expect(describeBuildStep('USER root')).toBe('Switching to the root user');
    expect(describeBuildStep('COPY --chown=1 src/ /app/')).toBe('Copying src/ into /app/');
    expect(describeBuildStep('RUN set -eu; make all && make install')).toBe('Running make all …');
  });

  it('lets caller rules win and keeps long labels short', () => {
    expect(
      describeBuildStep('COPY app/ /app/', { rules: [{ match: /^COPY app/, label: 'Gateway' }] }),
    ).toBe('Gateway');
    expect(describeBuildStep(`RUN ${'x'.repeat(300)}`).length).toBeLessThanOrEqual(80);
  });

  it('gives every step of the gateway Dockerfile a readable name', () => {
    const file = readFileSync(path.join(import.meta.dirname, '..', 'gateway.Dockerfile'), 'utf8');
    const labels = instructions(file).map((i) =>
      describeBuildStep(i, {
        buildArgs: { OPENCLAW_DOCKER_APT_PACKAGES: 'jq' },
        rules: GATEWAY_STEP_LABELS,
      }),
    );
    expect(labels).toContain('Installing apt packages: jq');
    expect(labels).toContain('Copying the gateway and the Control UI');
    expect(labels).toContain('Preparing the node user (state folder, openclaw command)');
    for (const label of labels) {
      expect(label).not.toMatch(/^(RUN|COPY|FROM|ARG|ENV|USER|LABEL|CMD)\b/);
      expect(label.length).toBeLessThanOrEqual(80);
    }
  });
});
