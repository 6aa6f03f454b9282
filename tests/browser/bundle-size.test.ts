/** The web client's first load stays small: the JavaScript that /app/ loads, gzipped, is under 300 kB. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebBuild } from './browser';

const BUDGET_BYTES = 300 * 1024;

describe('web client bundle', () => {
  it('loads under 300 kB of gzipped JavaScript at first', () => {
    const webRoot = ensureWebBuild();
    const index = readFileSync(path.join(webRoot, 'index.html'), 'utf8');
    // Everything index.html pulls in: the entry module and any modulepreload chunks.
    const scripts = [...index.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/app\/([^"]+\.js)"/g)].map(
      (match) => match[1]!,
    );
    expect(scripts.length).toBeGreaterThan(0);
    const sizes = scripts.map((file) => {
      const content = readFileSync(path.join(webRoot, file));
      return { file, bytes: content.length, gzipped: gzipSync(content, { level: 9 }).length };
    });
    const total = sizes.reduce((sum, size) => sum + size.gzipped, 0);
    process.stdout.write(
      `[bundle] first load: ${sizes.map((size) => `${size.file} ${size.bytes} B (${size.gzipped} B gzipped)`).join(', ')}; total ${total} B gzipped, budget ${BUDGET_BYTES} B\n`,
    );
    expect(total).toBeLessThan(BUDGET_BYTES);
  });
});
