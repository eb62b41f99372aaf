/** Commands and snippets with a copy button; the copy confirms itself in place. */
import { useEffect, useRef, useState } from 'react';
import { Button, type ButtonSize } from './button.js';
import { copyText } from './copy.js';

export interface CopyButtonProps {
  text: string;
  /** Accessible name / visible label; default "Copy". */
  label?: string;
  size?: ButtonSize;
  iconOnly?: boolean;
  variant?: 'secondary' | 'ghost';
}

export function CopyButton({
  text,
  label = 'Copy',
  size = 'sm',
  iconOnly = false,
  variant = 'ghost',
}: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const shown = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label;
  return (
    <Button
      size={size}
      variant={variant}
      icon={state === 'copied' ? 'check' : 'copy'}
      iconOnly={iconOnly}
      label={shown}
      aria-live="polite"
      onClick={() => {
        void copyText(text).then((ok) => {
          setState(ok ? 'copied' : 'failed');
          clearTimeout(timer.current);
          timer.current = setTimeout(() => setState('idle'), 1800);
        });
      }}
    >
      {shown}
    </Button>
  );
}

export interface CodeBlockProps {
  code: string;
  /** Label for the copy button and the block (e.g. "Command"). */
  label?: string;
  /** Prefix each line with a prompt glyph (shell commands). */
  prompt?: boolean;
  copyable?: boolean;
  wrap?: boolean;
}

export function CodeBlock({
  code,
  label,
  prompt = false,
  copyable = true,
  wrap = true,
}: CodeBlockProps) {
  return (
    <div className="ui-code">
      <pre
        className={['ui-code__pre', wrap ? 'ui-code__pre--wrap' : ''].filter(Boolean).join(' ')}
        aria-label={label}
      >
        <code>
          {prompt ? (
            <span className="ui-code__prompt" aria-hidden="true">
              ${' '}
            </span>
          ) : null}
          {code}
        </code>
      </pre>
      {copyable ? (
        <div className="ui-code__copy">
          <CopyButton text={code} label={label ? `Copy ${label.toLowerCase()}` : 'Copy'} iconOnly />
        </div>
      ) : null}
    </div>
  );
}
