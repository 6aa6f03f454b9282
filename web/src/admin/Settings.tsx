/** Admin: the platform's own settings (one for now: how often mailboxes without IDLE are polled). */
import { useEffect, useState } from 'preact/hooks';
import { get, patch } from '../api';
import { useLoad } from '../ui';
import { SaveForm } from './forms';

interface GlobalSettings {
  loginMailFrequencySeconds: number;
  updatedAt: string;
}

export function Settings() {
  const settings = useLoad(() => get<GlobalSettings>('/settings'), []);
  const [frequency, setFrequency] = useState('');
  useEffect(() => {
    if (settings.data) setFrequency(String(settings.data.loginMailFrequencySeconds));
  }, [settings.data?.updatedAt]);
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <SaveForm
        class="sections"
        label="Reading mail"
        submitLabel="Save settings"
        loadError={settings.error}
        onSave={async () => {
          await patch<GlobalSettings>('/settings', { loginMailFrequencySeconds: Number(frequency) });
          settings.reload();
        }}
      >
        <fieldset class="form-section">
          <legend>Reading mail (every account)</legend>
          <div class="field-row">
            <label for="login-mail-frequency" class="field-label">
              Login mail frequency (s)
            </label>
            <div class="field-control">
              <input
                id="login-mail-frequency"
                type="number"
                min={1}
                max={86400}
                required
                aria-describedby="login-mail-frequency-help"
                value={frequency}
                onInput={(event) => setFrequency(event.currentTarget.value)}
              />
              <small class="muted help" id="login-mail-frequency-help">
                How often a mailbox whose server cannot push new mail (no IMAP IDLE) is checked. Servers with IDLE deliver at once whatever
                this says. Use a higher value with many such accounts; a change applies when a watcher next connects. 1–86400 seconds.
                Default: 60.
              </small>
            </div>
          </div>
        </fieldset>
      </SaveForm>
    </section>
  );
}
