/**
 * The API's sanitized email HTML made ready for its sandboxed frame: inline (cid:) pictures pointed at the blob: URLs
 * of their attachments, every link opening a new tab without a way back to the desk, and remote images left out
 * until the user asks for them (a remote image tells the sender when and where the email was read).
 */
import { normalContentId } from './Attachments';

export interface PreparedHtml {
  html: string;
  /** Whether the email asks for images from the internet (loaded or not). */
  remoteImages: boolean;
}

const REMOTE_URL = /^\s*(https?:)?\/\//i;
const REMOTE_CSS_URL = /url\(\s*['"]?\s*(https?:)?\/\/[^)]*\)/i;
const REMOTE_CSS_URLS = new RegExp(REMOTE_CSS_URL.source, 'gi');

/**
 * Works on an inert copy (a DOMParser document loads nothing and runs nothing). `images` maps normalised Content-IDs
 * to blob: URLs; a cid: picture not (yet) among them is left without a source rather than refused by the frame.
 */
export function prepareEmailHtml(html: string, images: Map<string, string>, loadRemote: boolean): PreparedHtml {
  const document = new DOMParser().parseFromString(`<!doctype html><html><body>${html}</body></html>`, 'text/html');
  let remoteImages = false;
  for (const image of document.querySelectorAll('img')) {
    const source = image.getAttribute('src') ?? '';
    if (/^cid:/i.test(source)) {
      const url = images.get(normalContentId(source.slice(4)));
      if (url) image.setAttribute('src', url);
      else image.removeAttribute('src');
    } else if (REMOTE_URL.test(source)) {
      remoteImages = true;
      if (!loadRemote) {
        image.removeAttribute('src');
        image.setAttribute('data-blocked-src', source);
      }
    }
  }
  for (const element of document.querySelectorAll('[style]')) {
    const style = element.getAttribute('style') ?? '';
    if (!REMOTE_CSS_URL.test(style)) continue;
    remoteImages = true;
    if (!loadRemote) element.setAttribute('style', style.replace(REMOTE_CSS_URLS, 'none'));
  }
  // The sanitizer sets these on every link it keeps; set again here for HTML stored before it did.
  for (const link of document.querySelectorAll('a[href]')) {
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
  }
  return { html: document.body.innerHTML, remoteImages };
}
