/**
 * A data table from column definitions. Loading keeps the row height (skeleton rows) so the page
 * does not jump when data arrives; an empty table shows a designed empty state in its body.
 */
import type { ReactNode } from 'react';
import { Skeleton } from './spinner.js';

export interface TableColumn<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** CSS width (e.g. "40%", "120px"). */
  width?: string;
  align?: 'start' | 'end';
  /** Header for screen readers only (an actions column). */
  headerHidden?: boolean;
}

export interface TableProps<T> {
  columns: readonly TableColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** Accessible name of the table. */
  caption: string;
  captionHidden?: boolean;
  loading?: boolean;
  /** Shown in place of the rows when there are none. */
  empty?: ReactNode;
  skeletonRows?: number;
}

export function Table<T>({
  columns,
  rows,
  rowKey,
  caption,
  captionHidden = true,
  loading = false,
  empty,
  skeletonRows = 3,
}: TableProps<T>) {
  const showEmpty = !loading && rows.length === 0 && empty !== undefined;
  return (
    <div className="ui-table-wrap">
      <table className="ui-table" aria-busy={loading || undefined}>
        <caption className={captionHidden ? 'sr-only' : 'ui-table__caption'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                style={c.width ? { width: c.width } : undefined}
                className={c.align === 'end' ? 'ui-table__cell--end' : undefined}
              >
                {c.headerHidden ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {loading
            ? Array.from({ length: skeletonRows }, (_, i) => (
                <tr key={`s${i}`}>
                  {columns.map((c) => (
                    <td key={c.key}>
                      <Skeleton width={c.align === 'end' ? '50%' : '70%'} />
                    </td>
                  ))}
                </tr>
              ))
            : rows.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <td
                      key={c.key}
                      className={c.align === 'end' ? 'ui-table__cell--end' : undefined}
                    >
                      {c.render(row)}
                    </td>
                  ))}
                </tr>
              ))}
          {showEmpty ? (
            <tr>
              <td colSpan={columns.length} className="ui-table__empty">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
