import { describe, expect, it } from 'vitest';
import type { SandboxSettingsView } from '../../../../electron/contract/sandbox-schemas.js';
import { customTagProblem, draftOf, imageChoiceOf, sandboxAction } from './sandbox-choices.js';

const STANDARD = {
  default: 'openclaw-sandbox:bookworm-slim',
  common: 'openclaw-sandbox-common:bookworm-slim',
};
const OFF: SandboxSettingsView = {
  enabled: false,
  mode: 'off',
  scope: 'agent',
  workspaceAccess: 'none',
  image: STANDARD.default,
  imageKind: 'default',
  standardImages: STANDARD,
  baseHash: null,
};
const ON: SandboxSettingsView = {
  ...OFF,
  enabled: true,
  mode: 'non-main',
  baseHash: 'a'.repeat(64),
};

describe('sandboxAction', () => {
  it('turns on from off, and does nothing while off stays off', () => {
    expect(sandboxAction(OFF, draftOf(OFF))).toBe('none');
    expect(sandboxAction(OFF, { ...draftOf(OFF), mode: 'all' })).toBe('turn-on');
  });

  it('counts a config that says on without sandboxd in the stack as off', () => {
    const stale = { ...OFF, mode: 'all' as const };
    expect(draftOf(stale).mode).toBe('off');
    expect(sandboxAction(stale, { ...draftOf(stale), mode: 'all' })).toBe('turn-on');
  });

  it('saves a policy change, rebuilds for another image, turns off', () => {
    const draft = draftOf(ON);
    expect(sandboxAction(ON, draft)).toBe('none');
    expect(sandboxAction(ON, { ...draft, scope: 'session' })).toBe('save');
    expect(sandboxAction(ON, { ...draft, workspaceAccess: 'rw' })).toBe('save');
    expect(sandboxAction(ON, { ...draft, imageKind: 'common' })).toBe('change-image');
    expect(sandboxAction(ON, { ...draft, imageKind: 'custom', customTag: 'my/sbx:1' })).toBe(
      'change-image',
    );
    expect(sandboxAction(ON, { ...draft, mode: 'off' })).toBe('turn-off');
  });

  it('reads a custom image back as custom, and the same tag is no change', () => {
    const custom = { ...ON, image: 'my/sbx:1', imageKind: 'custom' as const };
    const draft = draftOf(custom);
    expect(draft).toMatchObject({ imageKind: 'custom', customTag: 'my/sbx:1' });
    expect(sandboxAction(custom, { ...draft, customTag: ' my/sbx:1 ' })).toBe('none');
    expect(imageChoiceOf({ ...draft, customTag: ' my/sbx:2 ' })).toEqual({
      kind: 'custom',
      tag: 'my/sbx:2',
    });
  });
});

describe('customTagProblem', () => {
  it('accepts image references and explains the rest', () => {
    for (const ok of ['my-sandbox', 'my-sandbox:1', 'registry.example.com:5000/team/sbx:2.1'])
      expect(customTagProblem(ok)).toBeUndefined();
    expect(customTagProblem('  ')).toMatch(/Enter the image/);
    expect(customTagProblem('My Sandbox')).toMatch(/not a Docker image tag/);
    expect(customTagProblem('team/UPPER:1')).toMatch(/not a Docker image tag/);
    expect(customTagProblem(`a:${'x'.repeat(300)}`)).toMatch(/255/);
  });
});
