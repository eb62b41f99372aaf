/** What Test or Save found: the model's answer, or the problem with the next step. */
import type { ModelCallResult } from '../../../../electron/contract/host-api.js';
import { Callout, TextWithCode } from '../../ui/index.js';

export function ModelResult({
  result,
  error,
}: {
  result: ModelCallResult | null;
  error: string | null;
}) {
  if (error)
    return (
      <Callout tone="danger" title="The app could not run the test">
        {error}
      </Callout>
    );
  if (!result) return null;
  if (!result.ok) {
    // Field problems are shown at their field; the rest here.
    if (result.problem.field) return null;
    return (
      <Callout tone="danger" title={result.problem.message}>
        <TextWithCode text={result.problem.nextStep} />
      </Callout>
    );
  }
  return (
    <div className="model-result" role="status">
      <Callout
        tone="success"
        title={
          result.saved
            ? `Saved: the gateway now uses ${result.ref}`
            : `${result.ref} answered in ${(result.durationMs / 1000).toFixed(1)} s`
        }
      >
        <blockquote className="model-result__answer">{result.answer}</blockquote>
        {result.where ? <p className="model-result__where">{result.where}</p> : null}
      </Callout>
      {result.warning ? (
        <Callout tone="warning" title="The gateway may not reach it yet">
          <TextWithCode text={result.warning} />
        </Callout>
      ) : null}
    </div>
  );
}
