/**
 * The wizard's Model step, right after the gateway is installed (its state folder now exists):
 * the provider, model and key the agent uses. Skipping is allowed; Settings → Model has the same
 * form.
 */
import { useState } from 'react';
import { Button } from '../../ui/index.js';
import { ModelForm } from '../model/model-form.js';

export function ModelStep({ onDone }: { onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  return (
    <div className="setup-step">
      <div className="setup-step__intro">
        <h2 className="setup-step__title">Choose a model</h2>
        <p className="setup-step__lead">
          The gateway is running. Pick the model its agent talks to; Test sends one short message
          and shows the answer.
        </p>
      </div>
      <ModelForm
        saveLabel="Save and continue"
        primarySave={!saved}
        onSaved={() => setSaved(true)}
        footerStart={
          <Button variant={saved ? 'primary' : 'ghost'} onClick={onDone}>
            {saved ? 'Continue' : 'Skip for now'}
          </Button>
        }
      />
    </div>
  );
}
