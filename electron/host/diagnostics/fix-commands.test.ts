import { describe, expect, it } from 'vitest';
import { cliCommand, configValueArgument, upCommand } from './fix-commands.js';
import { testSettings } from './test-context.js';

const win = {
  settings: { ...testSettings('/x'), stackDir: 'C:\\Users\\Jane Doe\\AppData\\OpenClaw\\stack' },
  projectName: 'openclaw',
  compose: { kind: 'v2' as const, command: ['docker', 'compose'], version: '2.29.1' },
  platform: 'win32' as const,
};

describe('fix commands', () => {
  it('are PowerShell on Windows: literal quotes, JSON5 with single-quoted strings', () => {
    const value = configValueArgument(win, ['http://127.0.0.1:19000', "it's"]);
    expect(value).toBe("['http://127.0.0.1:19000','it\\'s']");
    expect(cliCommand(win, ['config', 'set', 'gateway.controlUi.allowedOrigins', value])).toBe(
      "cd 'C:\\Users\\Jane Doe\\AppData\\OpenClaw\\stack'; docker compose -f docker-compose.yml run --rm openclaw-cli config set gateway.controlUi.allowedOrigins '[''http://127.0.0.1:19000'',''it\\''s'']'",
    );
  });

  it('name the detected v1 CLI and a project that is not the default', () => {
    const ctx = {
      ...win,
      settings: { ...testSettings('/srv/x'), stackDir: '/srv/x/stack' },
      projectName: 'wtlan-1',
      compose: { kind: 'v1' as const, command: ['docker-compose'], version: '1.29.2' },
      platform: 'linux' as const,
    };
    expect(upCommand(ctx)).toBe(
      'cd /srv/x/stack && docker-compose -f docker-compose.yml -p wtlan-1 up -d openclaw-gateway',
    );
    expect(configValueArgument(ctx, { id: "a'b" })).toBe('{"id":"a\'b"}');
  });
});
