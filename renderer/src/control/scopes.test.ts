// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../../gateway/pairing/scopes.js';
import { describeScopes, SCOPE_WORDS, summariseScopes } from './scopes.js';

describe('scopes in plain words', () => {
  it('uses the same words as the gateway (the browser copy must not drift)', () => {
    expect(SCOPE_WORDS).toEqual(SCOPES);
  });

  it('describes known scopes and never hides unknown ones', () => {
    expect(describeScopes(['operator.pairing', 'operator.future'])).toEqual([
      {
        scope: 'operator.pairing',
        label: 'Pairing',
        description: 'approve, reject and remove paired devices',
      },
      {
        scope: 'operator.future',
        label: 'operator.future',
        description: 'a permission this app does not know',
      },
    ]);
  });

  it('summarises admin (which implies every operator scope) as one entry', () => {
    expect(
      summariseScopes(['operator.read', 'operator.admin', 'operator.pairing', 'node.x']).map(
        (s) => s.scope,
      ),
    ).toEqual(['operator.admin', 'node.x']);
  });
});
