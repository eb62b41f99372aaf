/**
 * The message part of a formatted log line: level, subsystem, message and `key=value` fields, the
 * same on the app's Logs page and the Control UI's. The pages lay out time and source themselves.
 */
import type { ReactNode } from 'react';
import type { LogRecord } from './log-record.js';

export interface LogRecordTextProps {
  record: LogRecord;
  /** Wraps each text piece (search highlighting); identity by default. */
  mark?: (text: string) => ReactNode;
  /** Draw the level (the Control UI has its own level column). */
  showLevel?: boolean;
}

const plain = (text: string): ReactNode => text;

export function LogRecordText({ record, mark = plain, showLevel = true }: LogRecordTextProps) {
  return (
    <>
      {showLevel && record.level ? (
        <span className={`ui-log__level ui-log__level--${record.level}`}>{record.level}</span>
      ) : null}
      {record.subsystem ? (
        <span className="ui-log__subsystem">{mark(record.subsystem)}</span>
      ) : null}
      <span className="ui-log__msg">{mark(record.msg)}</span>
      {record.fields.map(([k, v]) => (
        <span key={k} className="ui-log__field">
          {' '}
          <span className="ui-log__key">{k}=</span>
          {mark(v)}
        </span>
      ))}
    </>
  );
}
