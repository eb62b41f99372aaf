/**
 * Running the setup: live progress while it builds and starts; on failure the host's message, the
 * next step, Retry, and a way back to the part of the wizard the error is about.
 */
import { nextStepForCode } from '../../host/host-error.js';
import { Button, ErrorState, Spinner } from '../../ui/index.js';
import { OperationProgress } from '../operation/operation-progress.js';
import { BaseImageSummary } from '../stack/gateway-image.js';
import { sectionForFailure, type DraftSection } from '../stack/stack-draft.js';
import type { OperationView } from '../store/operation-slice.js';

const SECTION_LABEL: Record<DraftSection, string> = {
  folders: 'Folders',
  mounts: 'Extra folders',
  packages: 'Packages',
  home: 'Home volume',
  port: 'Network',
};

export interface RunStepProps {
  operation: OperationView | null;
  title: string;
  /** The step the failure is about, when the host named one (a refused setting). */
  section?: DraftSection;
  onCancel: () => void;
  onRetry: () => void;
  onBack: (section: DraftSection | 'review') => void;
}

export function RunStep({
  operation,
  title,
  section: failedSection,
  onCancel,
  onRetry,
  onBack,
}: RunStepProps) {
  const failed = operation?.done && operation.error;
  // The host's structured problems first (a refused setting); otherwise by the error's code.
  const section = failed
    ? (failedSection ?? sectionForFailure(operation.errorCode, operation.error ?? ''))
    : undefined;
  const cancelled = operation?.errorCode === 'CANCELLED';
  return (
    <div className="setup-step">
      <div className="setup-step__intro">
        <h2 className="setup-step__title">{title}</h2>
        <p className="setup-step__lead">
          {failed
            ? cancelled
              ? 'The setup was cancelled.'
              : 'The setup stopped before the gateway was running.'
            : 'This takes a few minutes the first time (the image is built). You can keep this window open or come back later.'}
        </p>
      </div>
      {failed ? (
        <ErrorState
          title={cancelled ? 'Cancelled' : 'The setup did not finish'}
          message={operation.error}
          nextStep={
            section
              ? `Go back to ${SECTION_LABEL[section]}, change the value marked there, then install again.`
              : (nextStepForCode(operation.errorCode) ?? 'Check the log below, then retry.')
          }
          onRetry={onRetry}
          actions={
            <Button size="sm" variant="ghost" onClick={() => onBack(section ?? 'review')}>
              Back to {section ? SECTION_LABEL[section] : 'review'}
            </Button>
          }
        />
      ) : null}
      {failed && operation.errorCode === 'BASE_IMAGE_UNAVAILABLE' ? <BaseImageSummary /> : null}
      {operation && failed && operation.phases.length === 0 ? null : operation ? (
        // A refusal before the first phase started nothing: no progress list of pending steps.
        <OperationProgress operation={operation} onCancel={onCancel} />
      ) : (
        <div className="op__status">
          <Spinner size="sm" label="Waiting" />
          <span>Waiting for the next progress report…</span>
        </div>
      )}
    </div>
  );
}
