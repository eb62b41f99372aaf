/** Extra apt packages baked into the image; any change means a rebuild, and the page says so. */
import { Button, Callout, ChipsInput } from '../../ui/index.js';
import type { DraftStore } from './stack-draft.js';
import { useDraft, useDraftProblems } from './use-draft.js';
import { checkAptPackage, MAX_APT_PACKAGES } from './validation.js';

const SUGGESTIONS = ['jq', 'ripgrep', 'ffmpeg', 'python3-pip', 'git-lfs'];

export function PackagesEditor({
  store,
  hostError,
  applied,
}: {
  store: DraftStore;
  hostError?: string;
  /** What the image has now (Settings): other chips are marked "not applied". */
  applied?: readonly string[];
}) {
  const packages = useDraft(store, (s) => s.draft.packages);
  const update = useDraft(store, (s) => s.update);
  const problems = useDraftProblems(store);
  const invalid = Object.keys(problems.packages);
  const missing = SUGGESTIONS.filter((s) => !packages.includes(s));
  const pending = applied ? packages.filter((p) => !applied.includes(p)) : [];
  const stillInstalled = applied ? applied.filter((p) => !packages.includes(p)) : [];
  return (
    <div className="stack-form">
      {hostError ? (
        <Callout tone="danger" title="The app refused a package">
          {hostError}
        </Callout>
      ) : null}
      <ChipsInput
        label="Debian packages"
        values={packages}
        onChange={(next) => update({ packages: next })}
        validate={checkAptPackage}
        invalidValues={invalid}
        pendingValues={pending}
        error={invalid.length ? problems.packages[invalid[0] ?? ''] : undefined}
        max={MAX_APT_PACKAGES}
        placeholder="Type a package name and press Enter"
        hint="Installed with apt-get into the gateway image. Separate names with Enter, a space or a comma."
      />
      {stillInstalled.length > 0 ? (
        <p className="stack-note stack-note--pending">
          Removed, but still in the image until applied: {stillInstalled.join(', ')}
        </p>
      ) : null}
      {missing.length > 0 ? (
        <div className="stack-suggestions">
          <span className="stack-suggestions__label">Common picks:</span>
          {missing.map((name) => (
            <Button
              key={name}
              size="sm"
              variant="secondary"
              icon="plus"
              onClick={() => update({ packages: [...packages, name] })}
            >
              {name}
            </Button>
          ))}
        </div>
      ) : null}
      <Callout tone="warning" title="Changing packages rebuilds the image">
        The image is built again with these packages (a few minutes, longer for large ones), then
        the gateway restarts. Your config, workspace and home volume are kept.
      </Callout>
    </div>
  );
}
