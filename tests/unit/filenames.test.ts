import { contentDisposition, safeFilename } from '../../domain/filenames';

describe('file names handed to other file systems', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['.htaccess', 'htaccess'],
    ['report.pdf.', 'report.pdf'],
    ['a\u0000b\r\nc.txt', 'abc.txt'],
    ['what?<is>:this*|".txt', 'what__is__this___.txt'],
    ['CON.txt', '_CON.txt'],
    ['..', 'attachment'],
    ['', 'attachment'],
    [`${'x'.repeat(300)}.pdf`, `${'x'.repeat(196)}.pdf`],
    ['Résumé 2026.pdf', 'Résumé 2026.pdf'],
  ])('%j is saved as %j', (name, safe) => {
    expect(safeFilename(name)).toBe(safe);
  });

  it('writes RFC 6266 Content-Disposition with an ASCII name and the exact UTF-8 one', () => {
    expect(contentDisposition("../l'été (1).pdf")).toBe(
      `attachment; filename="l'_t_ (1).pdf"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%281%29.pdf`,
    );
    expect(contentDisposition(null, 'attachment', 'attachment-7')).toBe(
      `attachment; filename="attachment-7"; filename*=UTF-8''attachment-7`,
    );
    expect(contentDisposition('100%"quoted".txt')).toBe(`attachment; filename="100__quoted_.txt"; filename*=UTF-8''100%25_quoted_.txt`);
  });
});
