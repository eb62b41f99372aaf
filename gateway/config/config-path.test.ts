import { describe, expect, it } from 'vitest';
import {
  formatConfigPath,
  getAtPath,
  parseConfigPath,
  setAtPath,
  unsetAtPath,
} from './config-path.js';

describe('config paths', () => {
  it('parses dotted, bracketed and quoted forms', () => {
    expect(parseConfigPath('gateway.auth.mode')).toEqual(['gateway', 'auth', 'mode']);
    expect(parseConfigPath('agents.list[0].id')).toEqual(['agents', 'list', 0, 'id']);
    expect(parseConfigPath('agents.list.0.id')).toEqual(['agents', 'list', '0', 'id']);
    expect(parseConfigPath('agents.defaults.models["openai/gpt-4.1"].alias')).toEqual([
      'agents',
      'defaults',
      'models',
      'openai/gpt-4.1',
      'alias',
    ]);
    for (const bad of ['', 'a..b', 'a.', '.a', 'a[', 'a[x]', 'a[0]b', '__proto__.x']) {
      expect(() => parseConfigPath(bad), bad).toThrow(/Invalid config path/);
    }
  });

  it('formats back to the same text', () => {
    for (const p of ['gateway.auth.mode', 'agents.list[0].id', 'models["openai/gpt-4.1"]']) {
      expect(formatConfigPath(parseConfigPath(p))).toBe(p);
    }
  });

  it('gets, sets and unsets through objects and arrays', () => {
    const doc: Record<string, unknown> = { agents: { list: [{ id: 'a' }] } };
    expect(getAtPath(doc, parseConfigPath('agents.list.0.id'))).toBe('a');
    setAtPath(doc, parseConfigPath('agents.list[1].id'), 'b');
    setAtPath(doc, parseConfigPath('gateway.controlUi.allowedOrigins[0]'), '*');
    expect(doc).toEqual({
      agents: { list: [{ id: 'a' }, { id: 'b' }] },
      gateway: { controlUi: { allowedOrigins: ['*'] } },
    });
    expect(() => setAtPath(doc, parseConfigPath('agents.list[5].id'), 'x')).toThrow(
      /index from 0 to 2/,
    );
    expect(unsetAtPath(doc, parseConfigPath('agents.list[0]'))).toBe(true);
    expect(unsetAtPath(doc, parseConfigPath('nothing.here'))).toBe(false);
    expect(doc.agents).toEqual({ list: [{ id: 'b' }] });
  });
});
