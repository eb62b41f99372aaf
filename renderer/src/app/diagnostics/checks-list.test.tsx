// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '../../testing/dom.js';
import { ErrorState } from '../../ui/index.js';
import { ChecksList } from './checks-list.js';

afterEach(() => cleanup());

describe('backticked commands from the host', () => {
  it('are drawn as inline code, not as literal backticks', () => {
    const { container } = render(
      <>
        <ChecksList
          results={[
            {
              id: 'compose',
              title: 'Docker Compose',
              status: 'warn',
              detail: '`docker-compose` 1.29.2 (legacy v1).',
              fix: { label: 'Install the plugin (`sudo apt-get install docker-compose-plugin`).' },
            },
          ]}
        />
        <ErrorState title="Failed" message="Load it first (`docker load -i <file>`)." />
      </>,
    );
    expect(container.textContent).not.toContain('`');
    const codes = [...container.querySelectorAll('code.ui-code-inline')].map((c) => c.textContent);
    expect(codes).toEqual([
      'docker-compose',
      'sudo apt-get install docker-compose-plugin',
      'docker load -i <file>',
    ]);
    expect(container.querySelector('.check__detail')?.textContent).toBe(
      'docker-compose 1.29.2 (legacy v1).',
    );
  });
});
