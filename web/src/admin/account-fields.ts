/** The account form's fields (as the API names them) and a new account's starting values. */
import type { FieldSpec } from './forms';

/** Ranges as domain/account.ts accepts them. */
const SECONDS_WAIT = '1–2147483 seconds';
const SECONDS_CONNECT = '1–600 seconds';

/** In titled sections (a heading starts one); each field's help says what it does and its default and range. */
export const ACCOUNT_FIELDS: FieldSpec[] = [
  { name: 'identity', label: 'Identity', kind: 'heading' },
  { name: 'name', label: 'Name', kind: 'text', required: true, hint: 'Shown to customers as the sender of replies, and to agents.' },
  {
    name: 'key',
    label: 'Key (1–5 letters or digits)',
    kind: 'text',
    required: true,
    hint: 'A short name on the desk’s tabs and offers, e.g. SALES.',
  },
  { name: 'emailAddress', label: 'Email address', kind: 'email', required: true, hint: 'Replies are sent from this address.' },
  {
    name: 'service',
    label: 'Service',
    kind: 'select',
    options: [
      ['custom', 'Custom'],
      ['gmail', 'Gmail'],
      ['yahoo', 'Yahoo'],
      ['hotmail', 'Hotmail'],
      ['outlook365', 'Outlook 365'],
    ],
    hint: 'A provider fills in the IMAP and SMTP servers when chosen; Custom: enter them below. Default: Custom.',
  },
  { name: 'description', label: 'Description', kind: 'text', nullable: true, hint: 'Optional, for admins only.' },
  {
    name: 'active',
    label: 'Active (watch the mailbox)',
    kind: 'checkbox',
    hint: 'New emails in the mailbox are read and routed to agents. Default: off.',
  },

  { name: 'imap', label: 'Reading mail (IMAP)', kind: 'heading' },
  {
    name: 'imapHost',
    label: 'IMAP host',
    kind: 'text',
    nullable: true,
    hint: 'The server new emails are read from, e.g. imap.example.com.',
  },
  { name: 'imapPort', label: 'IMAP port', kind: 'number', hint: '1–65535; usually 993 with TLS, 143 without. Default: 993.' },
  { name: 'imapSsl', label: 'IMAP over TLS', kind: 'checkbox', hint: 'Encrypt the connection from the start (port 993). Default: on.' },
  { name: 'imapAuth', label: 'IMAP login', kind: 'checkbox', hint: 'Log in with the username and password below. Default: on.' },
  { name: 'imapUsername', label: 'IMAP username', kind: 'text', nullable: true, hint: 'Often the full email address.' },
  {
    name: 'imapPassword',
    label: 'IMAP password',
    kind: 'password',
    hint: 'Stored encrypted and never shown; when editing, leave it empty to keep the current one.',
  },
  { name: 'mailbox', label: 'Mailbox', kind: 'text', hint: 'The folder new emails are read from. Default: INBOX.' },
  {
    name: 'firstIntake',
    label: 'First activation takes',
    kind: 'select',
    options: [
      ['unread', 'Unread emails'],
      ['from-now', 'Only emails arriving from now on'],
      ['since', 'Every email since a date'],
    ],
    hint: 'What the first activation takes of the emails already in the mailbox; afterwards every new email is taken. Choose a date far back to take everything. Default: unread emails.',
  },
  {
    name: 'firstIntakeSince',
    label: 'Since (date)',
    kind: 'date',
    nullable: true,
    hint: 'With “Every email since a date”: emails the server received on or after this day, read or not.',
  },

  { name: 'smtp', label: 'Sending mail (SMTP)', kind: 'heading' },
  {
    name: 'smtpHost',
    label: 'SMTP host',
    kind: 'text',
    nullable: true,
    hint: 'The server replies are sent through, e.g. smtp.example.com.',
  },
  { name: 'smtpPort', label: 'SMTP port', kind: 'number', hint: '1–65535; usually 465 with TLS, 587 with STARTTLS. Default: 465.' },
  { name: 'smtpSecure', label: 'SMTP over TLS', kind: 'checkbox', hint: 'Encrypt the connection from the start (port 465). Default: on.' },
  { name: 'smtpAuth', label: 'SMTP login', kind: 'checkbox', hint: 'Log in with the username and password below. Default: on.' },
  { name: 'smtpUsername', label: 'SMTP username', kind: 'text', nullable: true, hint: 'Often the full email address.' },
  {
    name: 'smtpPassword',
    label: 'SMTP password',
    kind: 'password',
    hint: 'Stored encrypted and never shown; when editing, leave it empty to keep the current one.',
  },

  { name: 'routing', label: 'Routing', kind: 'heading' },
  {
    name: 'waitForAssignedAgentSeconds',
    label: 'Wait for assigned agent (s)',
    kind: 'number',
    hint: `How long a customer’s new message waits for the agent who handled the interaction before going to their queue; ${SECONDS_WAIT}. Default: 10.`,
  },
  {
    name: 'waitForAssignedQueueSeconds',
    label: 'Wait for assigned queue (s)',
    kind: 'number',
    hint: `Then how long it waits for an agent of that queue before the action plan goes on; ${SECONDS_WAIT}. Default: 10.`,
  },
  {
    name: 'transferEnabled',
    label: 'Transfers enabled',
    kind: 'checkbox',
    hint: 'Agents may hand interactions of this account on. Default: off.',
  },
  { name: 'transferToAgent', label: 'Transfer to agent', kind: 'checkbox', hint: 'To another agent. Default: on.' },
  { name: 'transferToQueue', label: 'Transfer to queue', kind: 'checkbox', hint: 'To a queue. Default: on.' },
  { name: 'transferToAccount', label: 'Transfer to account', kind: 'checkbox', hint: 'To another account’s queues. Default: off.' },
  {
    name: 'transferTimeoutSeconds',
    label: 'Transfer timeout (s)',
    kind: 'number',
    hint: `How long a transfer waits to be accepted before the interaction returns, unread, to the agent; ${SECONDS_WAIT}. Default: 30.`,
  },
  {
    name: 'mandatoryDisposition',
    label: 'Mandatory disposition',
    kind: 'checkbox',
    hint: 'Agents must choose a disposition to close an interaction. Default: off.',
  },
  {
    name: 'dispositionPauseStatusId',
    label: 'Pause while disposing',
    kind: 'select',
    nullable: true,
    options: [['', '(no pause)']],
    hint: 'With a mandatory disposition, the agent is paused with this status until they choose one (no new offers meanwhile). Default: no pause.',
  },

  { name: 'notifications', label: 'Notifications', kind: 'heading' },
  {
    name: 'notificationSound',
    label: 'Notification sound',
    kind: 'checkbox',
    hint: 'A chime on the desk when an offer arrives. Default: on.',
  },
  { name: 'notificationShake', label: 'Notification shake', kind: 'checkbox', hint: 'A new offer shakes on the desk. Default: off.' },

  { name: 'advanced', label: 'Advanced', kind: 'heading' },
  {
    name: 'contactListId',
    label: 'Contact list',
    kind: 'select',
    nullable: true,
    options: [['', '(none: senders are not saved)']],
    hint: 'New senders are saved to this list (Admin › Contact lists), and the desk names the list beside the customer. Default: none.',
  },
  {
    name: 'headersFilter',
    label: 'Headers filter',
    kind: 'text',
    hint: 'Only emails with these headers are read: name, name1,name2 or name=VALUE (names ignore case, values do not). Empty: every email.',
  },
  { name: 'markAsUnread', label: 'Mark as unread', kind: 'checkbox', hint: 'Routed emails stay unread on the mail server. Default: off.' },
  {
    name: 'disableDuplicateCheck',
    label: 'Disable duplicate check',
    kind: 'checkbox',
    hint: 'An email marked unread again on the mail server becomes a new interaction (not with Mark as unread). Default: off.',
  },
  {
    name: 'includeMessageOnForward',
    label: 'Include the message on forward',
    kind: 'checkbox',
    hint: 'Forwards quote the previous message. Default: off.',
  },
  {
    name: 'assistant',
    label: 'Assistant',
    kind: 'select',
    nullable: true,
    options: [
      ['', 'Built-in (on this server)'],
      ['off', 'Off'],
    ],
    hint: 'Suggests canned answers and similar past replies to agents beside the thread. The built-in one runs on this server; nothing is sent elsewhere. Off: no suggestions. Default: built-in.',
  },
  {
    name: 'connectionTimeoutSeconds',
    label: 'Connection timeout (s)',
    kind: 'number',
    hint: `How long to wait for the IMAP or SMTP server to answer; ${SECONDS_CONNECT}. Default: 10.`,
  },
  {
    name: 'authTimeoutSeconds',
    label: 'Auth timeout (s)',
    kind: 'number',
    hint: `How long to wait for the login to succeed; ${SECONDS_CONNECT}. Default: 5.`,
  },
  {
    name: 'hostname',
    label: 'Hostname',
    kind: 'text',
    nullable: true,
    hint: 'Only workers started with this MAILROUTE_HOSTNAME watch the mailbox (several servers). Empty: any worker.',
  },
];

/** A new account's form starts from these values. */
export const NEW_ACCOUNT = {
  service: 'custom',
  imapPort: 993,
  imapSsl: true,
  imapAuth: true,
  mailbox: 'INBOX',
  firstIntake: 'unread',
  smtpPort: 465,
  smtpSecure: true,
  smtpAuth: true,
  connectionTimeoutSeconds: 10,
  authTimeoutSeconds: 5,
  waitForAssignedAgentSeconds: 10,
  waitForAssignedQueueSeconds: 10,
  notificationSound: true,
  transferToAgent: true,
  transferToQueue: true,
  transferTimeoutSeconds: 30,
};
