/**
 * The composer's rich-text editor, loaded on demand: a contenteditable box under a toolbar (bold, italic, lists, a
 * link, the customer's message quoted). Pasted content arrives as plain text; what is sent is the box's markup
 * reduced to the editor's own (./html.ts), so the email says what the agent sees.
 */
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { cleanHtml, escapeHtml, parseHtml, safeLink, textOf, textToHtml } from './html';

/** What the composer asks of its editor: words inserted where the cursor was. */
export interface EditorHandle {
  insertText(text: string): void;
  insertQuote(heading: string, text: string): void;
}

type Command = 'bold' | 'italic' | 'insertUnorderedList' | 'insertOrderedList';

const BUTTONS: Array<{ command: Command; label: string; shortcut?: string }> = [
  { command: 'bold', label: 'Bold', shortcut: 'Control+B' },
  { command: 'italic', label: 'Italic', shortcut: 'Control+I' },
  { command: 'insertUnorderedList', label: 'Bulleted list' },
  { command: 'insertOrderedList', label: 'Numbered list' },
];

const NOTHING_ACTIVE: Record<Command, boolean> = { bold: false, italic: false, insertUnorderedList: false, insertOrderedList: false };

export interface RichEditorProps {
  /** The id of the element that names the box. */
  labelledBy: string;
  initialHtml: string;
  onChange: (html: string, text: string) => void;
  handle: RefObject<EditorHandle | null>;
  /** The customer's newest message, when there is one to quote. */
  quote: { heading: string; text: string } | null;
}

export function RichEditor({ labelledBy, initialHtml, onChange, handle, quote }: RichEditorProps) {
  const box = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  const [active, setActive] = useState(NOTHING_ACTIVE);
  const [link, setLink] = useState<string | null>(null);

  const emit = () => {
    if (box.current) changed.current(cleanHtml(box.current), textOf(box.current));
  };
  const refresh = () =>
    setActive({
      bold: document.queryCommandState('bold'),
      italic: document.queryCommandState('italic'),
      insertUnorderedList: document.queryCommandState('insertUnorderedList'),
      insertOrderedList: document.queryCommandState('insertOrderedList'),
    });
  /** Focus back in the box with the cursor where the agent left it (or at the end). */
  const restore = () => {
    const element = box.current!;
    const selection = getSelection();
    // Still writing in the box: its selection is the truth (the remembered one may lag a keystroke behind).
    if (document.activeElement === element && selection && selection.rangeCount > 0 && element.contains(selection.anchorNode)) return;
    element.focus();
    if (!selection) return;
    let range = saved.current;
    if (!range || !element.contains(range.commonAncestorContainer)) {
      range = document.createRange();
      range.selectNodeContents(element);
      range.collapse(false);
    }
    selection.removeAllRanges();
    selection.addRange(range);
  };
  const run = (command: string, value?: string) => {
    restore();
    document.execCommand(command, false, value);
    emit();
    refresh();
  };

  useEffect(() => {
    const element = box.current!;
    element.innerHTML = cleanHtml(parseHtml(initialHtml));
    const remember = () => {
      const selection = getSelection();
      if (selection && selection.rangeCount > 0 && element.contains(selection.anchorNode)) {
        saved.current = selection.getRangeAt(0).cloneRange();
        refresh();
      }
    };
    document.addEventListener('selectionchange', remember);
    handle.current = {
      insertText: (text: string) => run('insertText', text),
      insertQuote: (heading: string, text: string) =>
        run('insertHTML', `<div>${escapeHtml(heading)}</div><blockquote>${textToHtml(text)}</blockquote><div><br></div>`),
    };
    return () => {
      document.removeEventListener('selectionchange', remember);
      handle.current = null;
    };
  }, []);

  const addLink = () => {
    const typed = (link ?? '').trim();
    setLink(null);
    if (!typed) return restore();
    const href = safeLink(typed) ?? (/^[^\s/@]+@[^\s/@]+$/.test(typed) ? `mailto:${typed}` : `https://${typed}`);
    if (!saved.current || saved.current.collapsed) run('insertHTML', `<a href="${escapeHtml(href)}">${escapeHtml(typed)}</a>`);
    else run('createLink', href);
  };

  return (
    <div class="rich-editor">
      <div role="toolbar" aria-label="Formatting" class="editor-toolbar">
        {BUTTONS.map((button) => (
          <button
            key={button.command}
            type="button"
            class="small"
            aria-pressed={active[button.command]}
            aria-keyshortcuts={button.shortcut}
            title={button.shortcut ? `${button.label} (${button.shortcut.replace('Control', 'Ctrl')})` : button.label}
            // Keep the cursor in the box: the command applies where the agent is writing.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => run(button.command)}
          >
            {button.label}
          </button>
        ))}
        <button
          type="button"
          class="small"
          aria-expanded={link !== null}
          aria-keyshortcuts="Control+K"
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => setLink(link === null ? '' : null)}
        >
          Link
        </button>
        {quote && (
          <button
            type="button"
            class="small"
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => handle.current?.insertQuote(quote.heading, quote.text)}
          >
            Quote customer's message
          </button>
        )}
      </div>
      {link !== null && (
        <div class="editor-link">
          <label>
            Link address
            <input
              type="text"
              inputMode="url"
              value={link}
              autoFocus
              placeholder="https://example.com"
              onInput={(event) => setLink(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
                  event.preventDefault();
                  addLink();
                } else if (event.key === 'Escape') {
                  setLink(null);
                  restore();
                }
              }}
            />
          </label>
          <button type="button" class="small" onClick={addLink}>
            Add link
          </button>
        </div>
      )}
      <div
        ref={box}
        class="editor-box"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-labelledby={labelledBy}
        onInput={emit}
        onKeyDown={(event) => {
          if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
          const key = event.key.toLowerCase();
          if (key === 'b' || key === 'i') {
            event.preventDefault();
            run(key === 'b' ? 'bold' : 'italic');
          } else if (key === 'k') {
            event.preventDefault();
            setLink('');
          }
        }}
        onPaste={(event) => {
          event.preventDefault();
          document.execCommand('insertText', false, event.clipboardData?.getData('text/plain') ?? '');
          emit();
        }}
        onDrop={(event) => event.preventDefault()}
      />
    </div>
  );
}
