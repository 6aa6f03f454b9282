/**
 * The plain-text alternative of an agent's HTML reply. The desk derives it from its editor and the server from the
 * HTML a client sent alone, both through this one function, so the two never disagree on what the words are.
 *
 * Works on a minimal tree (text and elements) that a browser DOM and a server-side parser both map onto.
 */
export type HtmlNode =
  { type: 'text'; text: string } | { type: 'element'; name: string; href?: string; alt?: string; children: HtmlNode[] };

const SKIPPED = new Set(['script', 'style', 'head', 'title', 'template', 'noscript']);
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'pre']);
const BLOCKS = new Set([
  'div',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'nav',
  'address',
  'center',
  'figure',
  'figcaption',
  'tr',
  'dl',
  'dt',
  'dd',
  'hr',
]);

class Lines {
  readonly lines: string[] = [];
  private current = '';
  quoteDepth = 0;
  /** The empty line owed before the next words (as it reads at the quote depth where it was owed), if any. */
  private blankBeforeNext: string | null = null;

  /** Words; at the start of a line, leading spaces go unless `indent` (a list item's own). */
  write(text: string, indent = false): void {
    if (text === '') return;
    if (this.current === '') {
      if (this.blankBeforeNext !== null && this.lines.length > 0 && this.lines.at(-1) !== this.blankBeforeNext) {
        this.lines.push(this.blankBeforeNext);
      }
      this.blankBeforeNext = null;
      if (!indent) text = text.replace(/^ +/, '');
      if (text === '') return;
    }
    this.current += text;
  }

  private prefix(): string {
    return '> '.repeat(this.quoteDepth);
  }

  /** Ends the line (a `<br>`): an empty one counts. */
  newline(): void {
    this.lines.push(`${this.prefix()}${this.current.trimEnd()}`.trimEnd());
    this.current = '';
  }

  /** A block starts or ends here: finish the line under way, if any. */
  boundary(): void {
    if (this.current !== '') this.newline();
  }

  /** Paragraph-like blocks stand apart by one empty line. */
  paragraph(): void {
    this.boundary();
    this.blankBeforeNext = this.prefix().trimEnd();
  }
}

function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ');
}

function textOf(node: HtmlNode): string {
  return node.type === 'text' ? node.text : node.children.map(textOf).join('');
}

function walk(nodes: HtmlNode[], out: Lines, list: { ordered: boolean; index: number; depth: number } | null): void {
  for (const node of nodes) {
    if (node.type === 'text') {
      out.write(collapse(node.text));
      continue;
    }
    const name = node.name.toLowerCase();
    if (SKIPPED.has(name)) continue;
    if (name === 'br') {
      out.newline();
    } else if (name === 'img') {
      if (node.alt) out.write(node.alt);
    } else if (name === 'ul' || name === 'ol') {
      out.boundary();
      walk(node.children, out, { ordered: name === 'ol', index: 0, depth: list ? list.depth + 1 : 0 });
      out.boundary();
    } else if (name === 'li') {
      out.boundary();
      const marker = list?.ordered ? `${(list.index += 1)}. ` : '- ';
      out.write(`${'  '.repeat(list?.depth ?? 0)}${marker}`, true);
      walk(node.children, out, list);
      out.boundary();
    } else if (name === 'blockquote') {
      out.paragraph();
      out.quoteDepth += 1;
      walk(node.children, out, null);
      out.boundary();
      out.quoteDepth -= 1;
      out.paragraph();
    } else if (name === 'a') {
      const label = collapse(textOf(node)).trim();
      walk(node.children, out, list);
      const target = node.href?.replace(/^mailto:/i, '') ?? '';
      if (target && target !== label) out.write(` <${node.href}>`);
    } else if (name === 'td' || name === 'th') {
      walk(node.children, out, list);
      out.write(' ');
    } else if (PARAGRAPHS.has(name)) {
      out.paragraph();
      walk(node.children, out, list);
      out.paragraph();
    } else if (BLOCKS.has(name)) {
      out.boundary();
      walk(node.children, out, list);
      out.boundary();
    } else {
      walk(node.children, out, list);
    }
  }
}

/** The words of an HTML tree as plain text: lines and paragraphs kept, lists marked, quotes with "> ", links spelled out. */
export function htmlTreeToText(nodes: HtmlNode[]): string {
  const out = new Lines();
  walk(nodes, out, null);
  out.boundary();
  const lines = [...out.lines];
  while (lines.length > 0 && lines[0]!.replace(/^[> ]*/, '') === '') lines.shift();
  while (lines.length > 0 && lines.at(-1)!.replace(/^[> ]*/, '') === '') lines.pop();
  return lines.join('\n');
}
