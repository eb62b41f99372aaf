// @vitest-environment happy-dom
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, click, getButton, getByLabel, press, render, typeInto } from '../testing/dom.js';
import { ChipsInput } from './chips-input.js';

afterEach(cleanup);

function Harness({
  initial = [] as string[],
  onValues,
}: {
  initial?: string[];
  onValues?: (v: string[]) => void;
}) {
  const [values, setValues] = useState(initial);
  return (
    <ChipsInput
      label="Packages"
      values={values}
      onChange={(v) => {
        setValues(v);
        onValues?.(v);
      }}
      validate={(v) =>
        /^[a-z0-9][a-z0-9+.-]+$/.test(v) ? undefined : `${v} is not a package name`
      }
    />
  );
}

describe('ChipsInput', () => {
  it('adds a valid value on Enter and clears the box', () => {
    let seen: string[] = [];
    const { container } = render(<Harness onValues={(v) => (seen = v)} />);
    const input = getByLabel(container, 'Packages') as HTMLInputElement;
    typeInto(input, 'jq');
    press(input, 'Enter');
    expect(seen).toEqual(['jq']);
    expect(input.value).toBe('');
    expect(container.querySelector('.ui-chip')?.textContent).toContain('jq');
  });

  it('refuses an invalid value, keeps it in the box and says why', () => {
    const { container } = render(<Harness />);
    const input = getByLabel(container, 'Packages') as HTMLInputElement;
    typeInto(input, 'Bad_Name');
    press(input, 'Enter');
    expect(container.querySelectorAll('.ui-chip')).toHaveLength(0);
    expect(input.value).toBe('Bad_Name');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain('Bad_Name is not a package name');
  });

  it('refuses duplicates', () => {
    const { container } = render(<Harness initial={['jq']} />);
    const input = getByLabel(container, 'Packages') as HTMLInputElement;
    typeInto(input, 'jq');
    press(input, ',');
    expect(container.querySelectorAll('.ui-chip')).toHaveLength(1);
    expect(container.textContent).toContain('already in the list');
  });

  it('removes a chip with its button and the last one with Backspace', () => {
    let seen: string[] = [];
    const { container } = render(
      <Harness initial={['jq', 'ffmpeg', 'git']} onValues={(v) => (seen = v)} />,
    );
    click(getButton(container, 'Remove ffmpeg'));
    expect(seen).toEqual(['jq', 'git']);
    press(getByLabel(container, 'Packages'), 'Backspace');
    expect(seen).toEqual(['jq']);
  });
});
