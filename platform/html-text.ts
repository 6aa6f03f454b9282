/** The plain-text alternative of HTML on the server: parsed with htmlparser2, read as the desk's editor reads its own. */
import { parseDocument } from 'htmlparser2';
import { htmlTreeToText, type HtmlNode } from '../domain/html-text';

type ParsedNode = ReturnType<typeof parseDocument>['children'][number];

function toTree(node: ParsedNode): HtmlNode | null {
  if (node.type === 'text') return { type: 'text', text: node.data };
  if (!('name' in node) || !('children' in node)) return null;
  const children = node.children.map(toTree).filter((child): child is HtmlNode => child !== null);
  return {
    type: 'element',
    name: node.name,
    ...(node.attribs.href ? { href: node.attribs.href } : {}),
    ...(node.attribs.alt ? { alt: node.attribs.alt } : {}),
    children,
  };
}

export function htmlToPlainText(html: string): string {
  const document = parseDocument(html, { decodeEntities: true });
  return htmlTreeToText(document.children.map(toTree).filter((node): node is HtmlNode => node !== null));
}
