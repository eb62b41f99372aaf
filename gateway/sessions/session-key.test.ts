import { describe, expect, it } from 'vitest';
import { formatSessionKey, parseSessionKey, sessionKindOf } from './session-key.js';

describe('session keys', () => {
  it('parses full keys and keeps everything after the agent id', () => {
    expect(parseSessionKey('agent:main:main')).toEqual({
      key: 'agent:main:main',
      agentId: 'main',
      rest: 'main',
    });
    expect(parseSessionKey('agent:work:telegram:group:-100123')).toEqual({
      key: 'agent:work:telegram:group:-100123',
      agentId: 'work',
      rest: 'telegram:group:-100123',
    });
  });

  it('lower-cases the agent id and expands the short main key to the default agent', () => {
    expect(parseSessionKey('Agent:Ops:main').key).toBe('agent:ops:main');
    expect(parseSessionKey('main').key).toBe('agent:main:main');
    expect(parseSessionKey('main', { agentId: 'ops' }).key).toBe('agent:ops:main');
    expect(parseSessionKey('home', { mainKey: 'home' }).key).toBe('agent:main:home');
    expect(formatSessionKey('Ops')).toBe('agent:ops:main');
  });

  it.each([
    ['', 'empty'],
    ['cron:job-1', 'does not start with agent:'],
    ['agent:main', 'does not start with agent:'],
    ['agent::main', 'not a valid agent id'],
    ['agent:bad id:main', 'not a valid agent id'],
    ['agent:main:', 'non-empty'],
    ['agent:main:a::b', 'non-empty'],
    ['agent:main:has space', 'no spaces'],
    ['agent:main:../etc', 'no spaces, slashes'],
    ['agent:main:tab\u0001x', 'control characters'],
    [`agent:main:${'x'.repeat(600)}`, 'longer than 512'],
  ])('refuses %j with a message that says why and what to use', (input, why) => {
    expect(() => parseSessionKey(input)).toThrow(why);
    expect(() => parseSessionKey(input)).toThrow('agent:main:main');
  });

  it('classifies keys as sessions.list does', () => {
    expect(sessionKindOf('agent:main:main')).toBe('direct');
    expect(sessionKindOf('agent:main:discord:channel:42')).toBe('group');
    expect(sessionKindOf('agent:main:x', 'group')).toBe('group');
    expect(sessionKindOf('global')).toBe('global');
    expect(sessionKindOf('cron:nightly')).toBe('unknown');
  });
});
