import { describe, expect, it } from 'vitest';
import { parseSetupInputs, type SetupInputProblem } from './inputs.js';

const HOME = '/home/me';
const BASE = {
  OPENCLAW_CONFIG_DIR: '/srv/openclaw/config',
  OPENCLAW_WORKSPACE_DIR: '/srv/openclaw/workspace',
};

function errorsFor(env: Record<string, string | undefined>): SetupInputProblem[] {
  const result = parseSetupInputs({ ...BASE, ...env }, { homeDir: HOME });
  return result.ok ? [] : result.errors;
}

function valueFor(env: Record<string, string | undefined>) {
  const result = parseSetupInputs({ ...BASE, ...env }, { homeDir: HOME });
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result;
}

describe('parseSetupInputs defaults', () => {
  it('fills upstream defaults from the home dir', () => {
    const result = parseSetupInputs({}, { homeDir: HOME });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({
      configDir: '/home/me/.openclaw',
      workspaceDir: '/home/me/.openclaw/workspace',
      gatewayPort: 18789,
      publishAddress: '127.0.0.1',
      gatewayBind: 'lan',
      gatewayToken: undefined,
      image: 'openclaw:local',
      extraMounts: [],
      homeVolume: undefined,
      aptPackages: [],
      nodeImage: undefined,
      baseImage: undefined,
    });
    expect(result.warnings).toEqual([]);
  });

  it('accepts a full valid set with spaces, Windows paths and trailing separators', () => {
    const { value, warnings } = valueFor({
      OPENCLAW_CONFIG_DIR: 'C:\\Users\\Jane Doe\\.openclaw\\',
      OPENCLAW_WORKSPACE_DIR: 'C:/Users/Jane Doe/openclaw work',
      OPENCLAW_GATEWAY_PORT: ' 28789 ',
      OPENCLAW_GATEWAY_BIND: 'LOOPBACK',
      OPENCLAW_GATEWAY_TOKEN: 'a'.repeat(64),
      OPENCLAW_IMAGE: 'registry.example.com:5000/team/openclaw:1.2.3',
      OPENCLAW_EXTRA_MOUNTS: 'C:\\Users\\Jane Doe\\My Data:/data/my data:ro, /srv/media:/media2 ,',
      OPENCLAW_HOME_VOLUME: 'openclaw-home',
      OPENCLAW_DOCKER_APT_PACKAGES: 'git  ffmpeg\tpython3=3.11.2-1+b1 git',
      OPENCLAW_NODE_IMAGE: 'openclaw-base/node:22-bookworm-slim',
      OPENCLAW_BASE_IMAGE: 'openclaw-base/debian:bookworm-slim',
    });
    expect(value.configDir).toBe('C:\\Users\\Jane Doe\\.openclaw');
    expect(value.workspaceDir).toBe('C:/Users/Jane Doe/openclaw work');
    expect(value.gatewayPort).toBe(28789);
    expect(value.gatewayBind).toBe('loopback');
    expect(value.extraMounts).toEqual([
      { source: 'C:\\Users\\Jane Doe\\My Data', target: '/data/my data', readOnly: true },
      { source: '/srv/media', target: '/media2', readOnly: false },
    ]);
    expect(value.homeVolume).toEqual({ kind: 'volume', name: 'openclaw-home' });
    expect(value.aptPackages).toEqual(['git', 'ffmpeg', 'python3=3.11.2-1+b1']);
    expect(value.nodeImage).toBe('openclaw-base/node:22-bookworm-slim');
    // loopback, a writable mount and apt packages with a pulled image each earn a warning
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/loopback/);
    expect(warnings.join('\n')).toMatch(/\/srv\/media → \/media2 is writable/);
    expect(warnings.join('\n')).toMatch(/only applies to a local build/);
  });

  it('accepts a home volume given as an absolute host path', () => {
    expect(valueFor({ OPENCLAW_HOME_VOLUME: '/srv/openclaw/home' }).value.homeVolume).toEqual({
      kind: 'bind',
      source: '/srv/openclaw/home',
    });
    expect(valueFor({ OPENCLAW_HOME_VOLUME: 'D:\\openclaw home' }).value.homeVolume).toEqual({
      kind: 'bind',
      source: 'D:\\openclaw home',
    });
  });

  it('allows read-only time zone mounts but not writable ones', () => {
    expect(
      valueFor({ OPENCLAW_EXTRA_MOUNTS: '/etc/localtime:/etc/localtime:ro' }).value.extraMounts,
    ).toHaveLength(1);
    expect(
      errorsFor({ OPENCLAW_EXTRA_MOUNTS: '/etc/localtime:/etc/localtime' })[0]?.message,
    ).toMatch(/only be mounted with :ro/);
  });
});

// [variable, value, expected message fragment]
const HOSTILE: Array<[string, string, RegExp]> = [
  // extra mounts: injection attempts
  ['OPENCLAW_EXTRA_MOUNTS', '/a:/b,/etc:/x', /"\/etc:\/x".*inside \/etc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/x:/y\n  privileged: true', /line break/],
  ['OPENCLAW_EXTRA_MOUNTS', '/x:/y\r\ncap_add: [ALL]', /line break/],
  [
    'OPENCLAW_EXTRA_MOUNTS',
    '/srv/a:/b:ro,privileged: true',
    /"privileged: true".*(not in the form|not an absolute)/,
  ],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/$(id):/x', /"\$"/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/${HOME}:/x', /"\$"/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/`id`:/x', /"`"/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/"a":/x', /"""/],
  ['OPENCLAW_EXTRA_MOUNTS', "/srv/'a':/x", /"'"/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a#b:/x', /"#"/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/{a}:/x', /"\{"/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/x}', /"\}"/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a\u0000:/x', /control character/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a\u2028b:/x', /control character/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/../etc:/x', /"\." or "\.\." segments/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/data/../etc', /"\." or "\.\." segments/],
  ['OPENCLAW_EXTRA_MOUNTS', 'data:/data', /not an absolute path/],
  ['OPENCLAW_EXTRA_MOUNTS', './data:/data', /not an absolute path/],
  ['OPENCLAW_EXTRA_MOUNTS', '~/data:/data', /not an absolute path/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:data', /not an absolute container path/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a', /not in the form/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/b:ro:z', /not in the form/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a::ro', /empty part/],
  ['OPENCLAW_EXTRA_MOUNTS', ':/b', /empty part/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/b:', /empty part/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/b:rwx', /only ro.*rw/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/b:z', /only ro/],
  ['OPENCLAW_EXTRA_MOUNTS', 'C:\\data\\..\\Windows:/x', /segments/],
  ['OPENCLAW_EXTRA_MOUNTS', '\\\\server\\share:/x', /not an absolute path/],
  ['OPENCLAW_EXTRA_MOUNTS', '//server/share:/x', /network \(UNC\)/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a\\b:/x', /backslash/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/x\\y', /backslash/],
  // extra mounts: sensitive host sources
  ['OPENCLAW_EXTRA_MOUNTS', '/:/host', /too broad/],
  ['OPENCLAW_EXTRA_MOUNTS', '/etc:/x', /inside \/etc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/etc/passwd:/x:ro', /inside \/etc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/ETC/shadow:/x:ro', /inside \/etc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/proc:/x', /inside \/proc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/sys/fs:/x', /inside \/sys/],
  ['OPENCLAW_EXTRA_MOUNTS', '/dev/sda:/x', /inside \/dev/],
  ['OPENCLAW_EXTRA_MOUNTS', '/boot:/x', /inside \/boot/],
  ['OPENCLAW_EXTRA_MOUNTS', '/root:/x', /inside \/root/],
  ['OPENCLAW_EXTRA_MOUNTS', '/run:/x', /inside \/run/],
  ['OPENCLAW_EXTRA_MOUNTS', '/var/run/docker.sock:/var/run/docker.sock', /inside \/var\/run/],
  ['OPENCLAW_EXTRA_MOUNTS', '/home/me/.docker/run/docker.sock:/d.sock', /socket|credentials/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/podman/podman.sock:/p', /socket/],
  ['OPENCLAW_EXTRA_MOUNTS', '//var/run//docker.sock/:/x', /network|\/var\/run/],
  ['OPENCLAW_EXTRA_MOUNTS', '/private/etc/hosts:/x', /inside \/private\/etc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/var/lib/docker/volumes:/x', /inside \/var\/lib\/docker/],
  ['OPENCLAW_EXTRA_MOUNTS', '/home:/x', /too broad/],
  ['OPENCLAW_EXTRA_MOUNTS', '/Users:/x', /too broad/],
  ['OPENCLAW_EXTRA_MOUNTS', '/mnt/c:/x', /too broad/],
  ['OPENCLAW_EXTRA_MOUNTS', '/home/me:/x', /whole home folder/],
  ['OPENCLAW_EXTRA_MOUNTS', '/home/me/.ssh:/x:ro', /\.ssh credentials/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/backup/.aws/credentials:/x:ro', /\.aws credentials/],
  ['OPENCLAW_EXTRA_MOUNTS', 'C:\\:/c', /whole drive/],
  ['OPENCLAW_EXTRA_MOUNTS', 'c:\\windows\\system32:/x', /Windows system folder/],
  // extra mounts: targets that would shadow the image or the stack's own mounts
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/', /system folder/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/etc', /inside \/etc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/usr/local/bin', /inside \/usr/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/bin', /inside \/bin/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/app', /inside \/app/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/app/gateway', /inside \/app/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/home/node/.openclaw', /hide the config or workspace/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/home/node/.openclaw/', /hide the config or workspace/],
  [
    'OPENCLAW_EXTRA_MOUNTS',
    '/srv/a:/home/node/.openclaw/workspace',
    /hide the config or workspace/,
  ],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/home/node', /OPENCLAW_HOME_VOLUME/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/proc/x', /inside \/proc/],
  ['OPENCLAW_EXTRA_MOUNTS', '/srv/a:/data,/srv/b:/data', /already used/],
  [
    'OPENCLAW_EXTRA_MOUNTS',
    Array.from({ length: 33 }, (_, i) => `/srv/m${i}:/m${i}`).join(','),
    /at most 32/,
  ],
  // home volume
  ['OPENCLAW_HOME_VOLUME', 'bad name', /neither an absolute host path nor a Docker volume name/],
  ['OPENCLAW_HOME_VOLUME', '-volume', /Docker volume name/],
  ['OPENCLAW_HOME_VOLUME', 'x', /Docker volume name/],
  ['OPENCLAW_HOME_VOLUME', 'vol;rm', /Docker volume name/],
  ['OPENCLAW_HOME_VOLUME', 'vol$(id)', /Docker volume name/],
  ['OPENCLAW_HOME_VOLUME', 'vol\nprivileged: true', /Docker volume name/],
  ['OPENCLAW_HOME_VOLUME', 'relative/home', /not an absolute path/],
  ['OPENCLAW_HOME_VOLUME', '/etc', /inside \/etc/],
  ['OPENCLAW_HOME_VOLUME', '/srv/openclaw/config', /config or workspace folder/],
  // apt packages
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'git;rm -rf /', /"git;rm"/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'git && curl', /"&&"/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'git|sh', /"git\|sh"/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', '$(id)', /"\$\(id\)"/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', '`id`', /not a Debian package name/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'Git', /"Git"/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'g', /"g"/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', '-o=APT::x', /not a Debian package name/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'libc6:amd64', /not a Debian package name/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'python*', /not a Debian package name/],
  ['OPENCLAW_DOCKER_APT_PACKAGES', 'git\nffmpeg', /line break/],
  [
    'OPENCLAW_DOCKER_APT_PACKAGES',
    Array.from({ length: 51 }, (_, i) => `pkg${i}`).join(' '),
    /at most 50/,
  ],
  // the rest
  ['OPENCLAW_CONFIG_DIR', 'relative/config', /not an absolute path/],
  ['OPENCLAW_CONFIG_DIR', '/srv/$USER/config', /"\$"/],
  ['OPENCLAW_CONFIG_DIR', '/srv/con\nfig', /line break/],
  ['OPENCLAW_CONFIG_DIR', '/', /too broad/],
  ['OPENCLAW_CONFIG_DIR', '/home/me', /whole home folder/],
  ['OPENCLAW_CONFIG_DIR', '/home', /too broad/],
  ['OPENCLAW_WORKSPACE_DIR', '/srv/openclaw/config', /same folder as OPENCLAW_CONFIG_DIR/],
  ['OPENCLAW_WORKSPACE_DIR', '/srv/work#1', /"#"/],
  ['OPENCLAW_GATEWAY_PORT', '0', /between 1 and 65535/],
  ['OPENCLAW_GATEWAY_PORT', '65536', /between 1 and 65535/],
  ['OPENCLAW_GATEWAY_PORT', '18789:18789', /between 1 and 65535/],
  ['OPENCLAW_GATEWAY_PORT', '0.0.0.0:18789', /between 1 and 65535/],
  ['OPENCLAW_GATEWAY_PORT', '1e4', /between 1 and 65535/],
  ['OPENCLAW_GATEWAY_BIND', 'all', /"lan".*"loopback"/],
  ['OPENCLAW_GATEWAY_BIND', '0.0.0.0', /"lan"/],
  ['OPENCLAW_GATEWAY_PUBLISH_ADDRESS', 'lan', /127\.0\.0\.1.*0\.0\.0\.0/],
  ['OPENCLAW_GATEWAY_PUBLISH_ADDRESS', '0.0.0.0:80', /IPv4/],
  ['OPENCLAW_GATEWAY_PUBLISH_ADDRESS', '::', /IPv4/],
  ['OPENCLAW_GATEWAY_PUBLISH_ADDRESS', '8.8.8.8', /not an address of this computer/],
  ['OPENCLAW_GATEWAY_PUBLISH_ADDRESS', '127.0.0.2', /not an address of this computer/],
  ['OPENCLAW_GATEWAY_TOKEN', 'short', /shorter than 16/],
  ['OPENCLAW_GATEWAY_TOKEN', 'abcdefghijklmnop$(id)', /"\$"/],
  ['OPENCLAW_GATEWAY_TOKEN', 'abcdefghijklmnop qrs', /spaces/],
  ['OPENCLAW_GATEWAY_TOKEN', 'abcdefghijklmnop#x', /"#"/],
  ['OPENCLAW_GATEWAY_TOKEN', 'abcdefghijklmnop`x`', /spaces, quotes/],
  ['OPENCLAW_IMAGE', 'OpenClaw:local', /not a Docker image reference/],
  ['OPENCLAW_IMAGE', 'openclaw:local;rm', /not a Docker image reference/],
  ['OPENCLAW_IMAGE', 'openclaw:local --privileged', /not a Docker image reference/],
  ['OPENCLAW_IMAGE', '../openclaw', /not a Docker image reference/],
  ['OPENCLAW_NODE_IMAGE', 'node:22 bookworm', /not a Docker image reference/],
  ['OPENCLAW_BASE_IMAGE', 'debian:$TAG', /not a Docker image reference/],
];

describe('parseSetupInputs refuses hostile and malformed inputs', () => {
  for (const [input, value, message] of HOSTILE) {
    it(`${input}=${JSON.stringify(value).slice(0, 70)}`, () => {
      const errors = errorsFor({ [input]: value });
      expect(errors.length).toBeGreaterThan(0);
      const mine = errors.filter((e) => e.input === input);
      expect(mine.length, JSON.stringify(errors)).toBeGreaterThan(0);
      expect(mine.map((e) => e.message).join('\n')).toMatch(message);
    });
  }

  it('names exactly the bad entry of a mount list', () => {
    const errors = errorsFor({ OPENCLAW_EXTRA_MOUNTS: '/srv/ok:/ok:ro,/etc:/x,/srv/fine:/fine' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ input: 'OPENCLAW_EXTRA_MOUNTS', value: '/etc:/x' });
  });

  it('trims surrounding blanks instead of refusing them', () => {
    expect(valueFor({ OPENCLAW_CONFIG_DIR: ' /srv/config\n' }).value.configDir).toBe('/srv/config');
  });

  it('reports every problem at once, with what to do', () => {
    const result = parseSetupInputs(
      {
        OPENCLAW_CONFIG_DIR: 'config',
        OPENCLAW_GATEWAY_PORT: 'abc',
        OPENCLAW_GATEWAY_BIND: 'public',
        OPENCLAW_GATEWAY_TOKEN: 'x',
        OPENCLAW_IMAGE: 'BAD',
        OPENCLAW_EXTRA_MOUNTS: '/etc:/x,rel:/y',
        OPENCLAW_HOME_VOLUME: '$x',
        OPENCLAW_DOCKER_APT_PACKAGES: 'a;b c&&d',
      },
      { homeDir: HOME },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const inputs = result.errors.map((e) => e.input);
    expect(inputs).toEqual([
      'OPENCLAW_CONFIG_DIR',
      'OPENCLAW_WORKSPACE_DIR', // defaults to <config>/workspace, relative as well
      'OPENCLAW_GATEWAY_PORT',
      'OPENCLAW_GATEWAY_BIND',
      'OPENCLAW_GATEWAY_TOKEN',
      'OPENCLAW_IMAGE',
      'OPENCLAW_EXTRA_MOUNTS',
      'OPENCLAW_EXTRA_MOUNTS',
      'OPENCLAW_HOME_VOLUME',
      'OPENCLAW_DOCKER_APT_PACKAGES',
      'OPENCLAW_DOCKER_APT_PACKAGES',
    ]);
    for (const e of result.errors) expect(e.message.length).toBeGreaterThan(20);
    // the token never appears in errors
    const token = result.errors.find((e) => e.input === 'OPENCLAW_GATEWAY_TOKEN');
    expect(token?.value).toBe('(hidden)');
  });
});

describe('OPENCLAW_GATEWAY_PUBLISH_ADDRESS', () => {
  const interfaces = () =>
    ({
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: '192.168.1.23', family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
    }) as unknown as ReturnType<typeof import('node:os').networkInterfaces>;
  const parse = (value: string | undefined) =>
    parseSetupInputs(
      { ...BASE, OPENCLAW_GATEWAY_PUBLISH_ADDRESS: value },
      { homeDir: HOME, interfaces },
    );

  it('defaults to loopback without a warning', () => {
    const result = parse(undefined);
    expect(result.ok && result.value.publishAddress).toBe('127.0.0.1');
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('accepts 0.0.0.0 and an address of this host, warning what LAN exposure means', () => {
    for (const address of ['0.0.0.0', '192.168.1.23', ' 0.0.0.0 ']) {
      const result = parse(address);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) continue;
      expect(result.value.publishAddress).toBe(address.trim());
      expect(result.warnings.join('\n')).toMatch(
        /other devices.*token is always required.*approval/s,
      );
    }
  });

  it('refuses an address this host does not have, naming the ones it has', () => {
    const result = parse('192.168.1.99');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({
        input: 'OPENCLAW_GATEWAY_PUBLISH_ADDRESS',
        value: '192.168.1.99',
        message: expect.stringMatching(/its addresses: 192\.168\.1\.23/),
      }),
    ]);
  });
});
