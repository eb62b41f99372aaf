import { describe, expect, it } from 'vitest';
import {
  checkAptPackage,
  checkContainerPath,
  checkHostFolder,
  checkMounts,
  checkPort,
  checkVolumeName,
} from './validation.js';
import {
  draftFromSettings,
  draftProblems,
  draftToSettings,
  sameSettings,
  sectionForFailure,
  sectionForHostError,
  sectionHasProblems,
} from './stack-draft.js';

describe('mount rules', () => {
  it('accepts absolute host paths, with spaces and Windows drives', () => {
    expect(checkHostFolder('/home/me/My Projects')).toBeUndefined();
    expect(checkHostFolder('C:\\Users\\me\\data')).toBeUndefined();
  });

  it('refuses relative paths, separators and characters the stack files cannot hold', () => {
    expect(checkHostFolder('projects')).toMatch(/absolute/);
    expect(checkHostFolder('/a,b')).toMatch(/","/);
    expect(checkHostFolder('/a:b')).toMatch(/":"/);
    expect(checkHostFolder('/a/$HOME')).toMatch(/"\$"/);
    expect(checkHostFolder('/a/../b')).toMatch(/"\.\."/);
    expect(checkHostFolder('')).toMatch(/Enter/);
  });

  it('refuses container paths that would hide the container or the stack mounts', () => {
    expect(checkContainerPath('/home/node/projects')).toBeUndefined();
    expect(checkContainerPath('/home/node/.openclaw/workspace/data')).toBeUndefined();
    expect(checkContainerPath('/')).toMatch(/whole container/);
    expect(checkContainerPath('/home/node/.openclaw')).toMatch(/config or workspace/);
    expect(checkContainerPath('/home/node/.openclaw/workspace/')).toMatch(/config or workspace/);
    expect(checkContainerPath('/home/node')).toMatch(/home volume/);
    expect(checkContainerPath('/usr/local/bin')).toMatch(/\/usr belongs to the image/);
    expect(checkContainerPath('data')).toMatch(/start with \//);
    expect(checkContainerPath('/data:ro')).toMatch(/":" or ","/);
  });

  it('refuses a container path used twice', () => {
    const problems = checkMounts([
      { source: '/a', target: '/data', readOnly: true },
      { source: '/b', target: '/data/', readOnly: false },
    ]);
    expect(problems[0]).toEqual({});
    expect(problems[1]?.target).toMatch(/Mount 1 already uses/);
  });
});

describe('other fields', () => {
  it('checks apt package names like the image build does', () => {
    expect(checkAptPackage('jq')).toBeUndefined();
    expect(checkAptPackage('python3-pip')).toBeUndefined();
    expect(checkAptPackage('g++')).toBeUndefined();
    expect(checkAptPackage('j')).toMatch(/not a Debian package/);
    expect(checkAptPackage('Bad_Name')).toMatch(/not a Debian package/);
    expect(checkAptPackage('jq;rm')).toMatch(/not a Debian package/);
  });

  it('checks volume names and ports', () => {
    expect(checkVolumeName('openclaw-home')).toBeUndefined();
    expect(checkVolumeName('-x')).toBeDefined();
    expect(checkVolumeName('')).toMatch(/Enter/);
    expect(checkPort('18789')).toBeUndefined();
    expect(checkPort('0')).toBeDefined();
    expect(checkPort('70000')).toBeDefined();
    expect(checkPort('80a')).toBeDefined();
  });
});

describe('the draft', () => {
  const settings = {
    configDir: '/c',
    workspaceDir: '/c/ws',
    gatewayPort: 18789,
    exposeOnLan: false,
    extraMounts: [{ source: '/home/me/My Projects', target: '/home/node/p', readOnly: true }],
    aptPackages: ['jq'],
    homeVolume: { kind: 'volume' as const, name: 'openclaw-home' },
  };

  it('round-trips settings, trimming what was typed', () => {
    const draft = draftFromSettings(settings);
    expect(sameSettings(draftToSettings(draft), settings)).toBe(true);
    expect(draftToSettings({ ...draft, port: ' 18790 ', configDir: ' /c ' })).toMatchObject({
      gatewayPort: 18790,
      configDir: '/c',
    });
    expect(draftToSettings({ ...draft, homeKind: 'off' }).homeVolume).toBeNull();
    expect(draftToSettings({ ...draft, homeKind: 'bind', homeSource: '/h' }).homeVolume).toEqual({
      kind: 'bind',
      source: '/h',
    });
  });

  it('reports problems per section, including a home folder that is the config folder', () => {
    const draft = {
      ...draftFromSettings(settings),
      homeKind: 'bind' as const,
      homeSource: '/c/',
      port: 'x',
    };
    const problems = draftProblems(draft);
    expect(problems.home).toMatch(/config or workspace/);
    expect(sectionHasProblems(problems, 'home')).toBe(true);
    expect(sectionHasProblems(problems, 'port')).toBe(true);
    expect(sectionHasProblems(problems, 'mounts')).toBe(false);
    expect(sectionHasProblems(draftProblems(draftFromSettings(settings)))).toBe(false);
  });

  it('maps host messages back to the wizard section they are about', () => {
    expect(sectionForHostError('OPENCLAW_EXTRA_MOUNTS: extra mount "/a:/b": …')).toBe('mounts');
    expect(sectionForHostError('OPENCLAW_DOCKER_APT_PACKAGES: "x" is not a package')).toBe(
      'packages',
    );
    expect(sectionForHostError('OPENCLAW_HOME_VOLUME is the config folder')).toBe('home');
    expect(sectionForHostError('Port 18789 is taken by node')).toBe('port');
    expect(sectionForHostError('Docker is not running')).toBeUndefined();
  });

  it('maps build failures by their code first: only an unknown package is about Packages', () => {
    const aptStep = 'failed at step 5/17 (RUN … apt-get install -- $OPENCLAW_DOCKER_APT_PACKAGES)';
    expect(sectionForHostError(aptStep)).toBe('packages'); // the message alone would say so
    expect(sectionForFailure('APT_MIRROR_UNREACHABLE', aptStep)).toBeUndefined();
    expect(sectionForFailure('BASE_IMAGE_UNAVAILABLE', aptStep)).toBeUndefined();
    expect(sectionForFailure('APT_PACKAGE_NOT_FOUND', 'Debian has no package named “jqq”')).toBe(
      'packages',
    );
    expect(sectionForFailure('STACK_INPUT_INVALID', 'Port 18789 is taken by node')).toBe('port');
    expect(
      sectionForFailure('STACK_INPUT_INVALID', 'OPENCLAW_HOME_VOLUME is the config folder'),
    ).toBe('home');
    // Anything else is about no step: a compose failure that mentions a mount is not a mount
    // setting to change (sending the user to a step by a word was the bug).
    expect(sectionForFailure('COMPOSE_FAILED', 'error while mounting volume')).toBeUndefined();
    expect(
      sectionForFailure(undefined, 'OPENCLAW_HOME_VOLUME is the config folder'),
    ).toBeUndefined();
  });
});

describe("the host's problems in the draft", () => {
  const base = {
    configDir: '/c',
    workspaceDir: '/c/w',
    gatewayPort: 18789,
    exposeOnLan: false,
    extraMounts: [{ source: '/m', target: '/home/node/m', readOnly: true }],
    aptPackages: ['jq'],
    homeVolume: null,
  };
  const host = [
    {
      section: 'folders' as const,
      field: 'configDir' as const,
      value: '/c',
      message: 'The config folder is refused.',
      severity: 'error' as const,
    },
    {
      section: 'mounts' as const,
      field: 'extraMounts' as const,
      index: 0,
      part: 'target' as const,
      value: '/home/node/m',
      message: 'Mount 1: refused target.',
      severity: 'error' as const,
    },
    {
      section: 'mounts' as const,
      field: 'extraMounts' as const,
      index: 0,
      part: 'source' as const,
      value: '/m',
      message: 'Mount 1: only a warning.',
      severity: 'warning' as const,
    },
  ];

  it('puts each on its field and keeps warnings apart', () => {
    const problems = draftProblems(draftFromSettings(base), host);
    expect(problems.configDir).toBe('The config folder is refused.');
    expect(problems.mounts[0]).toEqual({ target: 'Mount 1: refused target.' });
    expect(problems.warnings.map((w) => w.message)).toEqual(['Mount 1: only a warning.']);
    expect(sectionHasProblems(problems, 'folders')).toBe(true);
    expect(sectionHasProblems(problems, 'port')).toBe(false);
  });

  it('drops a problem as soon as its value is edited (no stale message)', () => {
    const draft = draftFromSettings(base);
    const edited = {
      ...draft,
      configDir: '/d',
      mounts: draft.mounts.map((m) => ({ ...m, target: '/home/node/n' })),
    };
    const problems = draftProblems(edited, host);
    expect(problems.configDir).toBeUndefined();
    expect(problems.mounts[0]).toEqual({});
    expect(sectionHasProblems(problems)).toBe(false);
  });

  it('lets a local problem of the current text win over the host message', () => {
    const draft = { ...draftFromSettings(base), configDir: 'relative' };
    const problems = draftProblems(draft, [{ ...host[0]!, value: 'relative' }]);
    expect(problems.configDir).toMatch(/absolute/);
  });
});
