/** Diagnostic results: status, what was found, and the fix (with a copyable command). */
import type { DiagnosticResult } from '../../../../electron/contract/host-api.js';
import {
  Badge,
  CodeBlock,
  Icon,
  Skeleton,
  TextWithCode,
  type IconName,
  type Tone,
} from '../../ui/index.js';

const STATUS: Record<DiagnosticResult['status'], { tone: Tone; label: string; icon: IconName }> = {
  ok: { tone: 'success', label: 'OK', icon: 'success' },
  warn: { tone: 'warning', label: 'Warning', icon: 'warning' },
  fail: { tone: 'danger', label: 'Problem', icon: 'error' },
  skip: { tone: 'neutral', label: 'Skipped', icon: 'minus' },
};

export function ChecksList({ results }: { results: readonly DiagnosticResult[] }) {
  return (
    <ul className="checks">
      {results.map((r) => {
        const s = STATUS[r.status];
        return (
          <li key={r.id} className={`check check--${r.status}`}>
            <span className={`check__icon check__icon--${s.tone}`} aria-hidden="true">
              <Icon name={s.icon} size={18} />
            </span>
            <div className="check__body">
              <div className="check__head">
                <h3 className="check__title">{r.title}</h3>
                <Badge tone={s.tone}>{s.label}</Badge>
              </div>
              <p className="check__detail">
                <TextWithCode text={r.detail} />
              </p>
              {r.fix && r.status !== 'ok' ? (
                <div className="check__fix">
                  <p className="check__fix-label">
                    <strong>How to fix:</strong> <TextWithCode text={r.fix.label} />
                    {r.fix.docs ? (
                      <>
                        {' '}
                        <a href={r.fix.docs} target="_blank" rel="noopener noreferrer">
                          Read more
                        </a>
                      </>
                    ) : null}
                  </p>
                  {r.fix.command ? <CodeBlock code={r.fix.command} prompt label="Command" /> : null}
                </div>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function ChecksSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <ul className="checks" aria-busy="true" aria-label="Running checks">
      {Array.from({ length: rows }, (_, i) => (
        <li key={i} className="check">
          <Skeleton width={18} height={18} radius={9} />
          <div className="check__body">
            <Skeleton width="30%" height={16} />
            <Skeleton width="70%" />
          </div>
        </li>
      ))}
    </ul>
  );
}
