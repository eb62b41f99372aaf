// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, click, getButton, render } from '../testing/dom.js';
import { Button } from './button.js';
import { Field, TextInput } from './field.js';
import { ErrorState } from './states.js';
import { Toggle } from './toggle.js';

afterEach(cleanup);

describe('Toggle', () => {
  it('is a labelled switch that reports the new state', () => {
    const onChange = vi.fn();
    const { container } = render(
      <Toggle
        checked={false}
        onChange={onChange}
        label="Start at login"
        description="Open at login"
      />,
    );
    const input = container.querySelector('input[role="switch"]') as HTMLInputElement;
    expect(input.checked).toBe(false);
    const label = container.querySelector(`label.ui-toggle__label[for="${input.id}"]`);
    expect(label?.textContent).toBe('Start at login');
    expect(container.querySelector(`#${input.getAttribute('aria-describedby')}`)?.textContent).toBe(
      'Open at login',
    );
    click(input);
    expect(onChange).toHaveBeenCalledWith(true);
  });

  it('does nothing when disabled', () => {
    const onChange = vi.fn();
    const { container } = render(
      <Toggle checked={false} disabled onChange={onChange} label="LAN" />,
    );
    click(container.querySelector('input'));
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe('ErrorState', () => {
  it('announces the error with its next step and retries', () => {
    const retry = vi.fn();
    const { container } = render(
      <ErrorState message="Docker is not running" nextStep="Start Docker." onRetry={retry} />,
    );
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('Docker is not running');
    expect(alert?.textContent).toContain('Next step: Start Docker.');
    click(getButton(container, 'Retry'));
    expect(retry).toHaveBeenCalledOnce();
  });
});

describe('Button', () => {
  it('is busy and disabled while loading, and names an icon-only button', () => {
    const onClick = vi.fn();
    const { container } = render(
      <>
        <Button loading onClick={onClick}>
          Save
        </Button>
        <Button icon="trash" iconOnly label="Remove mount 1" />
      </>,
    );
    const save = getButton(container, 'Save');
    expect(save.disabled).toBe(true);
    expect(save.getAttribute('aria-busy')).toBe('true');
    expect(save.getAttribute('type')).toBe('button');
    click(save);
    expect(onClick).not.toHaveBeenCalled();
    expect(getButton(container, 'Remove mount 1').textContent).toBe('');
  });
});

describe('Field', () => {
  it('labels its control and links hint and error to it', () => {
    const { container } = render(
      <Field label="Port" hint="Default 18789" error="Enter a number">
        <TextInput value="x" onChange={() => {}} />
      </Field>,
    );
    const input = container.querySelector('input') as HTMLInputElement;
    expect(container.querySelector(`label[for="${input.id}"]`)?.textContent).toBe('Port');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const described = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => container.querySelector(`#${id}`)?.textContent);
    expect(described).toEqual(['Enter a number', 'Default 18789']);
  });
});
