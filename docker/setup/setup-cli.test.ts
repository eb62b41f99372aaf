/**
 * The terminal front end's own flags (the setup flow itself is covered by
 * setup.integration.test.ts): `--project-name` is validated before anything is touched.
 */
import { describe, expect, it } from 'vitest';
import { main, parseProjectName } from './setup-cli.js';

describe('setup-cli --project-name', () => {
  it('is optional and accepts compose project names in both spellings', () => {
    expect(parseProjectName(['--non-interactive'])).toBeUndefined();
    expect(parseProjectName(['--project-name', 'openclaw-e2e_1'])).toBe('openclaw-e2e_1');
    expect(parseProjectName(['--project-name=0bench'])).toBe('0bench');
    // The last one wins, like --stack-dir (the wrapper script puts its own flags first).
    expect(parseProjectName(['--project-name', 'a', '--project-name', 'b'])).toBe('b');
  });

  it.each(['Openclaw', '-x', '_x', 'a b', 'a.b', 'a/b', ''])('refuses %j', (name) => {
    expect(() => parseProjectName(['--project-name', name])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', exitCode: 2 }),
    );
  });

  it('refuses a missing value instead of taking the next flag as the name', () => {
    expect(() => parseProjectName(['--project-name', '--non-interactive'])).toThrow(
      /needs a value/,
    );
    expect(() => parseProjectName(['--project-name'])).toThrow(/needs a value/);
  });

  it('main refuses a bad name before reading any other input', async () => {
    await expect(main(['--non-interactive', '--project-name', 'Bad Name'])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
