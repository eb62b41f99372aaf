/** A page that throws while rendering shows a designed error with a reload, not a blank window. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorState } from '../ui/index.js';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(_error: Error, _info: ErrorInfo): void {
    // Shown on the page; nothing is logged (a message could carry user data).
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="ui-page ui-page--narrow">
        <ErrorState
          title="This page failed to load"
          message={
            this.state.error.message || 'An unexpected error happened while drawing the page.'
          }
          nextStep="Reload the page. If it keeps happening, open Diagnostics and create a support bundle."
          onRetry={() => window.location.reload()}
          retryLabel="Reload"
        />
      </div>
    );
  }
}
