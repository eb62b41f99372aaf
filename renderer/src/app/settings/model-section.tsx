/** Settings → Model: the same form as the wizard's step; saving applies from the next message. */
import { ModelForm } from '../model/model-form.js';
import { Card } from '../../ui/index.js';

export function ModelSection() {
  return (
    <section className="settings-group" aria-labelledby="settings-model-heading">
      <div className="settings-group__head">
        <h2 id="settings-model-heading" className="settings-group__title">
          Model
        </h2>
        <p className="ui-muted">
          The provider and model the agent uses. The gateway picks up a saved change with the next
          message.
        </p>
      </div>
      <Card>
        <ModelForm />
      </Card>
    </section>
  );
}
