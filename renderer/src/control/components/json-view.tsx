/**
 * A read-only, highlighted JSON view. Secrets arrive redacted from the gateway; they are drawn as a
 * "hidden" pill so nobody mistakes the placeholder for a real value.
 */
import type { ReactNode } from 'react';

export const REDACTED = '__OPENCLAW_REDACTED__';

function render(value: unknown, indent: number, out: ReactNode[], key: { n: number }): void {
  const pad = '  '.repeat(indent);
  const push = (node: ReactNode) => out.push(node);
  if (value === null || typeof value === 'boolean') {
    push(
      <span key={key.n++} className="cui-json__literal">
        {String(value)}
      </span>,
    );
  } else if (typeof value === 'number') {
    push(
      <span key={key.n++} className="cui-json__number">
        {String(value)}
      </span>,
    );
  } else if (typeof value === 'string') {
    push(
      value === REDACTED ? (
        <span
          key={key.n++}
          className="cui-json__secret"
          title="A secret: hidden by the gateway, kept when you save"
        >
          hidden
        </span>
      ) : (
        <span key={key.n++} className="cui-json__string">
          {JSON.stringify(value)}
        </span>
      ),
    );
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      push('[]');
      return;
    }
    push('[\n');
    value.forEach((item, i) => {
      push(`${pad}  `);
      render(item, indent + 1, out, key);
      push(i < value.length - 1 ? ',\n' : '\n');
    });
    push(`${pad}]`);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      push('{}');
      return;
    }
    push('{\n');
    entries.forEach(([k, v], i) => {
      push(`${pad}  `);
      push(
        <span key={key.n++} className="cui-json__key">
          {JSON.stringify(k)}
        </span>,
      );
      push(': ');
      render(v, indent + 1, out, key);
      push(i < entries.length - 1 ? ',\n' : '\n');
    });
    push(`${pad}}`);
  } else {
    push(String(value));
  }
}

export function JsonView({ value, label }: { value: unknown; label: string }) {
  const out: ReactNode[] = [];
  render(value, 0, out, { n: 0 });
  return (
    <pre className="cui-json" aria-label={label} tabIndex={0}>
      {out}
    </pre>
  );
}
