/**
 * Admin: contact lists (the seed's "List": where an account saves the senders of new emails) and their contacts.
 * Create, rename and delete a list; add, change and remove its contacts; see which accounts save to it (an account
 * picks its list in its own form).
 */
import { listAll } from '../api';
import type { Account, Contact, ContactList } from '../types';
import { useLoad } from '../ui';
import { Crud } from './Crud';

export function ContactLists() {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const usedBy = (list: ContactList) =>
    (accounts.data ?? [])
      .filter((account) => account.contactListId === list.id)
      .map((account) => account.key)
      .join(', ') || '(no account)';
  return (
    <Crud<ContactList>
      title="Contact lists"
      singular="contact list"
      path="/contact-lists"
      nameOf={(list) => list.name}
      texts={{ editHeading: (list) => `Contact list ${list.name}`, editForm: () => 'Rename contact list', save: 'Rename' }}
      fields={[{ name: 'name', label: 'Name', kind: 'text', required: true }]}
      columns={[
        { label: 'Name', value: (list) => list.name },
        { label: 'Saved to by', value: usedBy },
      ]}
    >
      {(list) => <Contacts key={list.id} list={list} />}
    </Crud>
  );
}

function Contacts({ list }: { list: ContactList }) {
  return (
    <Crud<Contact>
      title={`Contacts in ${list.name}`}
      singular="contact"
      path={`/contact-lists/${list.id}/contacts`}
      nameOf={(contact) => contact.email}
      texts={{ confirmDelete: (contact) => `Remove ${contact.email} from ${list.name}?` }}
      fields={[
        { name: 'email', label: 'Email', kind: 'email', required: true },
        { name: 'name', label: 'Name', kind: 'text', nullable: true },
      ]}
      columns={[
        { label: 'Email', value: (contact) => contact.email },
        { label: 'Name', value: (contact) => contact.name ?? '' },
      ]}
    />
  );
}
