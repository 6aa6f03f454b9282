import {
  formatHeadersFilter,
  headersFilterToImapflowQuery,
  headersFilterToImapSearch,
  parseHeadersFilter,
} from '../../domain/headers-filter';

describe('IMAP headers filter (XCALLY syntax) becomes the IMAP SEARCH of the seed table', () => {
  it.each([
    ['', 'SEARCH UNSEEN'],
    ['x-antivirus-report', 'SEARCH UNSEEN HEADER "x-antivirus-report"'],
    ['x-antivirus-report,x-antispam-evaluation-time', 'SEARCH UNSEEN HEADER "x-antivirus-report" HEADER "x-antispam-evaluation-time"'],
    ['x-antivirus-report=SAFE', 'SEARCH UNSEEN HEADER "x-antivirus-report" "SAFE"'],
    [
      'x-antivirus-report=SAFE,x-antispam-evaluation-time',
      'SEARCH UNSEEN HEADER "x-antivirus-report" "SAFE" HEADER "x-antispam-evaluation-time"',
    ],
  ])('%j → %s', (filter, search) => {
    expect(headersFilterToImapSearch(parseHeadersFilter(filter))).toBe(search);
  });

  it('lower-cases names (case-insensitive) and keeps values as written (case-sensitive)', () => {
    expect(parseHeadersFilter(' X-Antivirus-Report = Safe ')).toEqual([{ name: 'x-antivirus-report', value: 'Safe' }]);
  });

  it('round-trips through its stored form', () => {
    const text = 'x-antivirus-report=SAFE,x-antispam-evaluation-time';
    expect(formatHeadersFilter(parseHeadersFilter(text))).toBe(text);
  });

  it('turns presence into `true` and values into strings for imapflow', () => {
    expect(headersFilterToImapflowQuery(parseHeadersFilter('a=B,c'))).toEqual({ header: { a: 'B', c: true } });
    expect(headersFilterToImapflowQuery([])).toEqual({});
  });

  it.each(['bad name', 'x=', 'x:y', 'x="quoted"', ','])('refuses %j with a reason', (filter) => {
    expect(() => parseHeadersFilter(filter)).toThrow(/entry \d/);
  });
});
