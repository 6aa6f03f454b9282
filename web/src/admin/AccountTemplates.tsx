/**
 * Admin: the account's email body template (font, size, colour, text and the logo sent inside the email) and its
 * desk notification template, each beside a live preview rendered by the same functions the server uses
 * (domain/outbound.ts, domain/templates.ts).
 */
import { useState } from 'preact/hooks';
import { composeAgentBody, logoAttachment, type BodyTemplate } from '../../../domain/outbound';
import { DEFAULT_NOTIFICATION_TEMPLATE, notificationVariables, renderTemplate } from '../../../domain/templates';
import { del, fileToAttachment, get, getBlob, patch, put } from '../api';
import type { Account, Queue } from '../types';
import { ErrorText, Notice, formatBytes, useLoad } from '../ui';
import { SaveForm } from './forms';

/** Fonts every mail client has (with their fallbacks), as the seed's "font family". */
const FONTS: Array<[string, string]> = [
  ['', 'The reader’s default'],
  ['Arial, Helvetica, sans-serif', 'Arial'],
  ['Verdana, Geneva, sans-serif', 'Verdana'],
  ['Tahoma, Geneva, sans-serif', 'Tahoma'],
  ['"Trebuchet MS", Helvetica, sans-serif', 'Trebuchet MS'],
  ['Georgia, serif', 'Georgia'],
  ['"Times New Roman", Times, serif', 'Times New Roman'],
  ['"Courier New", Courier, monospace', 'Courier New'],
];

/** The example the previews are rendered for. */
const SAMPLE_WORDS = 'Thank you for writing. Your order 1042 ships today.';

function sampleVariables(account: Account) {
  return {
    customer: { name: 'Carla Customer', email: 'carla@customer.example' },
    agent: { name: 'Alice Agent', email: 'alice@example.com', signature: 'Alice Agent, Customer care' },
    interaction: { id: 1042, subject: 'Where is my order?' },
    account: { name: account.name, key: account.key, email: account.emailAddress },
    subject: 'Where is my order?',
  };
}

/** The body the customer gets, as a whole document for a sandboxed frame: no script runs, images only from data:. */
function previewDocument(html: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` +
    '</head><body style="margin:8px;background:#ffffff">' +
    html +
    '</body></html>'
  );
}

function dataUrlOf(blob: Blob, type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^;,]*/, `data:${type}`));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function BodyTemplateEditor({ account, onSaved }: { account: Account; onSaved: (account: Account) => void }) {
  const saved: BodyTemplate = account.bodyTemplate ?? {};
  const [fontFamily, setFontFamily] = useState(saved.fontFamily ?? '');
  const [fontSize, setFontSize] = useState(saved.fontSize ? String(saved.fontSize) : '');
  const [color, setColor] = useState<string | null>(saved.color ?? null);
  const [text, setText] = useState(saved.text ?? '');
  const [logoError, setLogoError] = useState<unknown>(null);
  const [logoNotice, setLogoNotice] = useState<string | null>(null);
  const logo = saved.logo;
  // The preview shows the uploaded logo from the API, as the email carries it (cid: pointed at its bytes).
  const logoData = useLoad(
    () => (logo ? getBlob(`/accounts/${account.id}/logo`).then((blob) => dataUrlOf(blob, logo.contentType)) : Promise.resolve(null)),
    [account.id, logo?.sha256],
  );
  const template: BodyTemplate = {
    ...(fontFamily ? { fontFamily } : {}),
    ...(fontSize && Number(fontSize) > 0 ? { fontSize: Number(fontSize) } : {}),
    ...(color ? { color } : {}),
    ...(text ? { text } : {}),
    ...(logo ? { logo } : {}),
  };
  // Until the logo's bytes are here the preview goes without it (a cid: address would be refused by the frame).
  const shown = logoData.data ? template : { ...template, logo: undefined };
  const body = composeAgentBody({
    agentText: SAMPLE_WORDS,
    cannedAnswer: null,
    template: shown,
    variables: sampleVariables(account),
    forwarded: null,
  });
  const inline = logoAttachment(shown);
  const html = inline && logoData.data ? body.html.split(`cid:${inline.cid}`).join(logoData.data) : body.html;
  const fonts = FONTS.some(([value]) => value === fontFamily) ? FONTS : [...FONTS, [fontFamily, fontFamily] as [string, string]];

  const uploadLogo = async (file: File | undefined) => {
    if (!file) return;
    setLogoNotice(null);
    try {
      const upload = await fileToAttachment(file);
      onSaved(await put<Account>(`/accounts/${account.id}/logo`, upload));
      setLogoError(null);
      setLogoNotice(`Logo ${file.name} uploaded.`);
    } catch (failure) {
      setLogoError(failure);
    }
  };

  return (
    <section aria-labelledby={`body-template-${account.id}`} class="template-editor">
      <h3 id={`body-template-${account.id}`}>Email template</h3>
      <div class="template-columns">
        <SaveForm
          class="sections"
          label="Email template"
          submitLabel="Save email template"
          onSave={async () => {
            // The logo is kept as uploaded; a remote logo address of older versions is dropped (it is never sent).
            onSaved(await patch<Account>(`/accounts/${account.id}`, { bodyTemplate: Object.keys(template).length ? template : null }));
          }}
        >
          <fieldset class="form-section">
            <legend>Text style</legend>
            <label class="stacked">
              Font family
              <select value={fontFamily} onChange={(event) => setFontFamily(event.currentTarget.value)}>
                {fonts.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label class="stacked">
              Font size (px)
              <input
                type="number"
                min={6}
                max={72}
                placeholder="the reader’s default"
                aria-describedby={`font-size-help-${account.id}`}
                value={fontSize}
                onInput={(event) => setFontSize(event.currentTarget.value)}
              />
              <small class="muted help" id={`font-size-help-${account.id}`}>
                6–72. Empty: the reader’s default.
              </small>
            </label>
            <div class="color-row">
              <label class="inline">
                Text colour
                <input type="color" value={color ?? '#1f2933'} onInput={(event) => setColor(event.currentTarget.value)} />
              </label>
              <span class="muted">{color ?? 'the reader’s default'}</span>
              {color && (
                <button type="button" class="small" onClick={() => setColor(null)}>
                  Use the reader’s default colour
                </button>
              )}
            </div>
          </fieldset>
          <fieldset class="form-section">
            <legend>Logo (sent inside each email)</legend>
            <p class="muted help">
              A PNG, JPEG or GIF up to 256 KB, carried by every reply and forward as part of the email: the customer sees it without loading
              anything from the internet.
            </p>
            {logo ? (
              <p>
                {logo.filename} <span class="muted">({formatBytes(logo.size)})</span>{' '}
                <button
                  type="button"
                  class="small danger"
                  onClick={async () => {
                    try {
                      onSaved(await del<Account>(`/accounts/${account.id}/logo`));
                      setLogoNotice('Logo removed.');
                      setLogoError(null);
                    } catch (failure) {
                      setLogoError(failure);
                    }
                  }}
                >
                  Remove logo
                </button>
              </p>
            ) : (
              <p class="muted">No logo.</p>
            )}
            <label class="stacked">
              {logo ? 'Replace the logo' : 'Upload a logo'}
              <input
                type="file"
                accept="image/png,image/jpeg,image/gif"
                onChange={(event) => void uploadLogo(event.currentTarget.files?.[0])}
              />
            </label>
            {logoNotice && <Notice>{logoNotice}</Notice>}
            <ErrorText error={logoError ?? logoData.error} />
          </fieldset>
          <fieldset class="form-section">
            <legend>Text</legend>
            <label class="stacked">
              Template text
              <textarea
                rows={6}
                aria-describedby={`template-text-help-${account.id}`}
                value={text}
                onInput={(event) => setText(event.currentTarget.value)}
              />
              <small class="muted help" id={`template-text-help-${account.id}`}>
                The agent’s words go where it says {'{{message}}'} (without it, the text follows them, like a signature). Variables:{' '}
                {'{{customer.name}} {{customer.email}} {{agent.name}} {{agent.email}} {{agent.signature}} {{interaction.id}} '}
                {'{{interaction.subject}} {{account.name}} {{account.key}} {{account.email}}'}.
              </small>
            </label>
          </fieldset>
        </SaveForm>
        <div class="template-preview">
          <h4>Preview</h4>
          <p class="muted">
            From {account.name} &lt;{account.emailAddress}&gt; to Carla Customer · Re: Where is my order?
          </p>
          <iframe title="Preview of a reply as the customer sees it" sandbox="" srcDoc={previewDocument(html)} class="email-preview" />
        </div>
      </div>
    </section>
  );
}

function NotificationTemplateEditor({ account, onSaved }: { account: Account; onSaved: (account: Account) => void }) {
  const [template, setTemplate] = useState(account.notificationTemplate ?? '');
  const queues = useLoad(() => get<{ items: Queue[] }>(`/accounts/${account.id}/queues`), [account.id]);
  const queue = { name: queues.data?.items[0]?.name ?? 'Support' };
  const text = renderTemplate(
    template.trim() ? template : DEFAULT_NOTIFICATION_TEMPLATE,
    notificationVariables(account, {
      id: 1042,
      subject: 'Where is my order?',
      customerEmail: 'carla@customer.example',
      customerName: 'Carla Customer',
      queue,
    }),
  );
  return (
    <section aria-labelledby={`notification-template-${account.id}`} class="template-editor">
      <h3 id={`notification-template-${account.id}`}>Notification template</h3>
      <div class="template-columns">
        <SaveForm
          label="Notification template"
          submitLabel="Save notification template"
          onSave={async () =>
            onSaved(await patch<Account>(`/accounts/${account.id}`, { notificationTemplate: template.trim() ? template : null }))
          }
        >
          <label class="stacked">
            What the desk shows when an offer of {account.key} arrives
            <textarea
              rows={3}
              placeholder={DEFAULT_NOTIFICATION_TEMPLATE}
              aria-describedby={`notification-help-${account.id}`}
              value={template}
              onInput={(event) => setTemplate(event.currentTarget.value)}
            />
            <small class="muted help" id={`notification-help-${account.id}`}>
              Variables: {'{{customer.name}} {{customer.email}} {{subject}} {{interaction.id}} {{account.name}} {{account.key}} '}
              {'{{queue.name}}'} (the queue it is offered from). Empty: the standard text. Sound and shake are in the account’s
              Notifications settings.
            </small>
          </label>
        </SaveForm>
        <div class="template-preview">
          <h4>Preview</h4>
          <p class="notification-preview" data-testid="notification-preview">
            <span class="account-key">{account.key}</span> {text}
          </p>
        </div>
      </div>
    </section>
  );
}

/**
 * Both editors, for the account being edited. They read the account afresh (the admin's list may be older than the
 * last save here) and keep what the API answered to each save.
 */
export function AccountTemplates({ accountId }: { accountId: number }) {
  const loaded = useLoad(() => get<Account>(`/accounts/${accountId}`), [accountId]);
  const [saved, setSaved] = useState<Account | null>(null);
  const account = saved ?? loaded.data;
  if (!account) return <ErrorText error={loaded.error} />;
  return (
    <>
      <BodyTemplateEditor key={`body-${account.id}`} account={account} onSaved={setSaved} />
      <NotificationTemplateEditor key={`notification-${account.id}`} account={account} onSaved={setSaved} />
    </>
  );
}
