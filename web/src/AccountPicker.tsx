/** Choosing one of the email accounts the user may see: the admin pages' account-scoped editors and the supervisor view. */
import type { Account } from './types';

export function AccountPicker({
  accounts,
  value,
  onChange,
  toolbar = false,
}: {
  accounts: Account[];
  value: number | null;
  onChange: (id: number) => void;
  /** In a toolbar an account is always chosen (the first one at start): no "Choose…" entry, a stacked label. */
  toolbar?: boolean;
}) {
  return (
    <label class={toolbar ? undefined : 'inline'}>
      Account
      <select aria-label="Account" value={value ?? ''} onChange={(event) => onChange(Number(event.currentTarget.value))}>
        {!toolbar && (
          <option value="" disabled>
            Choose…
          </option>
        )}
        {accounts.map((account) => (
          <option key={account.id} value={account.id}>
            {account.key} · {account.name}
          </option>
        ))}
      </select>
    </label>
  );
}
