/** The demo account's button: a few sample customer emails dropped into its local demo mailbox, to be offered. */
import { useState } from 'preact/hooks';
import { post } from '../api';
import { ErrorText } from '../ui';

export function DemoMailButton() {
  const [state, setState] = useState<{ busy?: boolean; appended?: number; error?: unknown }>({});
  return (
    <>
      <button
        type="button"
        class="small"
        disabled={state.busy}
        onClick={async () => {
          setState({ busy: true });
          try {
            setState({ appended: (await post<{ appended: number }>('/demo/mail')).appended });
          } catch (failure) {
            setState({ error: failure });
          }
        }}
      >
        Drop sample emails
      </button>
      <span role="status" class={state.error === undefined ? 'muted' : 'error'}>
        {state.busy && 'Dropping…'}
        {state.appended !== undefined && `${state.appended} sample emails dropped: the demo agents are offered them`}
        {state.error !== undefined && <ErrorText error={state.error} />}
      </span>
    </>
  );
}
