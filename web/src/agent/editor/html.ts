/**
 * The composer's HTML as the server gets it: only the markup the editor makes (an allow-list, so the draft and the
 * request carry nothing a paste or the browser slipped in), and its plain-text alternative.
 */
import { htmlTreeToText, type HtmlNode } from '../../../../domain/html-text';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text as HTML: escaped, line breaks kept. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/** HTML parsed in an inert document: nothing in it runs or loads. */
export function parseHtml(html: string): HTMLElement {
  return new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, 'text/html').body;
}

function toTree(node: Node): HtmlNode | null {
  if (node.nodeType === Node.TEXT_NODE) return { type: 'text', text: node.textContent ?? '' };
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const element = node as Element;
  const href = element.getAttribute('href');
  const alt = element.getAttribute('alt');
  return {
    type: 'element',
    name: element.tagName.toLowerCase(),
    ...(href ? { href } : {}),
    ...(alt ? { alt } : {}),
    children: childTrees(element),
  };
}

function childTrees(node: Node): HtmlNode[] {
  return Array.from(node.childNodes, toTree).filter((child): child is HtmlNode => child !== null);
}

/** The words under a node as the plain-text part says them (the same function the server uses). */
export function textOf(node: Node): string {
  return htmlTreeToText(childTrees(node));
}

export function htmlToText(html: string): string {
  return textOf(parseHtml(html));
}

const KEPT: Record<string, string> = {
  b: 'strong',
  strong: 'strong',
  i: 'em',
  em: 'em',
  ul: 'ul',
  ol: 'ol',
  li: 'li',
  blockquote: 'blockquote',
  div: 'div',
  p: 'p',
  br: 'br',
};

export function safeLink(href: string | null): string | null {
  return href && /^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : null;
}

/** The markup under a node, reduced to the editor's own: other elements give way to their content. */
export function cleanHtml(node: Node): string {
  let html = '';
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      html += escapeHtml(child.textContent ?? '');
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const element = child as Element;
    const name = element.tagName.toLowerCase();
    if (name === 'script' || name === 'style') continue;
    const href = name === 'a' ? safeLink(element.getAttribute('href')) : null;
    const kept = href ? 'a' : KEPT[name];
    if (!kept) html += cleanHtml(element);
    else if (kept === 'br') html += '<br>';
    else html += `<${kept}${href ? ` href="${escapeHtml(href)}"` : ''}>${cleanHtml(element)}</${kept}>`;
  }
  return html;
}
