/**
 * Names for files we hand to someone else's file system (a download, a zip entry, an attachment we send): the last
 * path segment only, no control or reserved characters, no leading dots, no device names, at most 200 characters with
 * the extension kept. The name stored with the email stays as the sender wrote it, for display.
 */
const RESERVED_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export function safeFilename(name: string | null | undefined, fallback = 'attachment'): string {
  const lastSegment = (name ?? '').split(/[/\\]/).pop() ?? '';
  let safe = lastSegment
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .trim();
  if (RESERVED_DEVICE.test(safe)) safe = `_${safe}`;
  if (safe.length > 200) {
    const extension = /\.[^.]{1,16}$/.exec(safe)?.[0] ?? '';
    safe = safe.slice(0, 200 - extension.length) + extension;
  }
  return safe || fallback;
}

/** RFC 5987 value characters: everything else is percent-encoded (encodeURIComponent leaves ' ( ) * ! alone). */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*!]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An RFC 6266 Content-Disposition: an ASCII name for old clients and the exact (safe) name in UTF-8 as filename*. */
export function contentDisposition(
  name: string | null | undefined,
  kind: 'attachment' | 'inline' = 'attachment',
  fallback?: string,
): string {
  const safe = safeFilename(name, fallback);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${rfc5987(safe)}`;
}
