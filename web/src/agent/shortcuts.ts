/**
 * The desk's keyboard shortcuts: single keys that act only while the focus is not in a field (so typing is never
 * taken for a command), and never with Ctrl, Alt or Meta (the browser's and the composer's own). `?` lists them.
 */
import { useEffect, useRef } from 'preact/hooks';

/** What a shortcut does on the desk; the open interaction handles the ones about it. */
export type DeskCommand = 'accept' | 'reject' | 'reply' | 'forward' | 'note' | 'transfer' | 'close' | 'help' | 'leave-field';

export const SHORTCUTS: ReadonlyArray<{ key: string; command: DeskCommand; does: string }> = [
  { key: 'a', command: 'accept', does: 'Accept the first offer' },
  { key: 'x', command: 'reject', does: 'Reject the first offer' },
  { key: 'r', command: 'reply', does: 'Write a reply' },
  { key: 'f', command: 'forward', does: 'Forward' },
  { key: 'n', command: 'note', does: 'Write an internal note' },
  { key: 't', command: 'transfer', does: 'Transfer' },
  { key: 'c', command: 'close', does: 'Close (choose a disposition)' },
  { key: '?', command: 'help', does: 'Show these shortcuts' },
  { key: 'Escape', command: 'leave-field', does: 'Back to the open interaction (out of its reply or note), so the shortcuts work again' },
];

const INTERACTION_COMMAND = 'mailroute:interaction-command';

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Calls `handler` with the command of each shortcut pressed while the desk is shown. */
export function useDeskShortcuts(handler: (command: DeskCommand) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // Escape goes back to the open interaction's title (out of a text field of its tools, or from wherever the
      // focus fell after an action), from where the shortcuts work again. A dialog's Escape is the dialog's.
      const title = document.getElementById('interaction-title');
      if (event.key === 'Escape' && title && !document.querySelector('dialog[open]')) {
        const target = event.target as HTMLElement | null;
        if (!typingIn(target) || target?.closest('.interaction-tools')) {
          event.preventDefault();
          title.focus();
          return;
        }
      }
      if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented || typingIn(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const shortcut = SHORTCUTS.find((candidate) => candidate.key === event.key && candidate.command !== 'leave-field');
      if (!shortcut) return;
      event.preventDefault();
      latest.current(shortcut.command);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

/** Hands a command about the open interaction (reply, note, close…) to its view. */
export function sendInteractionCommand(command: DeskCommand): void {
  window.dispatchEvent(new CustomEvent<DeskCommand>(INTERACTION_COMMAND, { detail: command }));
}

/** The open interaction's side of sendInteractionCommand. */
export function useInteractionCommands(handler: (command: DeskCommand) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (event: Event) => latest.current((event as CustomEvent<DeskCommand>).detail);
    window.addEventListener(INTERACTION_COMMAND, listener);
    return () => window.removeEventListener(INTERACTION_COMMAND, listener);
  }, []);
}

/**
 * Moves the focus to the first of `selectors` found in `root` once the view has rendered it: looked for at each frame
 * for up to 3 s, as a panel may still be loading (the reply's editor is a chunk of its own).
 */
export function focusSoon(root: () => HTMLElement | null, selectors: string[], giveUpAt = Date.now() + 3_000): void {
  requestAnimationFrame(() => {
    const scope = root();
    if (!scope) return;
    for (const selector of selectors) {
      const element = scope.querySelector<HTMLElement>(selector);
      if (element) return element.focus();
    }
    if (Date.now() < giveUpAt) focusSoon(root, selectors, giveUpAt);
  });
}
