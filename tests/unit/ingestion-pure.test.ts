/** Pure ingestion decisions: sync checkpoints, the exact header filter, loop tags, HTML sanitizing, backoff. */
import { nextReconnectDelayMs } from '../../domain/backoff';
import { headerFieldValues, messageMatchesHeadersFilter, parseHeadersFilter } from '../../domain/headers-filter';
import { sanitizeEmailHtml } from '../../platform/sanitize';
import { hasModseqRegressed, hasUidValidityChanged, mailboxResetReason, pendingUidCount } from '../../domain/sync-decisions';

describe('sync decisions', () => {
  const stored = { uidValidity: 10n, lastUid: 5n, highestModseq: 100n };
  it('sees a UIDVALIDITY change, and nothing on first start', () => {
    expect(hasUidValidityChanged(stored, { uidValidity: 11n, highestModseq: 100n })).toBe(true);
    expect(hasUidValidityChanged(stored, { uidValidity: 10n, highestModseq: 100n })).toBe(false);
    expect(mailboxResetReason(null, { uidValidity: 1n, highestModseq: null })).toBeNull();
  });
  it('sees HIGHESTMODSEQ going backwards, only when both sides know it', () => {
    expect(hasModseqRegressed(stored, { uidValidity: 10n, highestModseq: 99n })).toBe(true);
    expect(hasModseqRegressed(stored, { uidValidity: 10n, highestModseq: 100n })).toBe(false);
    expect(hasModseqRegressed(stored, { uidValidity: 10n, highestModseq: null })).toBe(false);
    expect(mailboxResetReason(stored, { uidValidity: 10n, highestModseq: 1n })).toBe('modseq-regressed');
    expect(mailboxResetReason(stored, { uidValidity: 9n, highestModseq: 1n })).toBe('uidvalidity-changed');
  });
  it('counts pending emails from UIDNEXT', () => {
    expect(pendingUidCount(11n, 5n)).toBe(5);
    expect(pendingUidCount(6n, 5n)).toBe(0);
    expect(pendingUidCount(null, 5n)).toBe(0);
  });
});

describe('header filter, exact on the message', () => {
  const raw =
    'From: a@b\r\nX-Antivirus-Report: NOT-SAFE\r\nx-antivirus-report:\r\n  SAFE\r\nX-Other: safe\r\n\r\nX-Antispam-Evaluation-Time: 1\r\n';
  it('unfolds, trims and matches names case-insensitively, in the header block only', () => {
    expect(headerFieldValues(raw, 'X-ANTIVIRUS-REPORT')).toEqual(['NOT-SAFE', 'SAFE']);
    expect(headerFieldValues(raw, 'x-antispam-evaluation-time')).toEqual([]);
  });
  it('requires exact, case-sensitive values (SEARCH HEADER is only a substring pre-selection)', () => {
    expect(messageMatchesHeadersFilter(parseHeadersFilter('x-antivirus-report=SAFE'), raw)).toBe(true);
    expect(messageMatchesHeadersFilter(parseHeadersFilter('x-other=SAFE'), raw)).toBe(false);
    expect(messageMatchesHeadersFilter(parseHeadersFilter('x-antivirus-report=SAF'), raw)).toBe(false);
    expect(messageMatchesHeadersFilter(parseHeadersFilter('x-antivirus-report,x-antispam-evaluation-time'), raw)).toBe(false);
    expect(messageMatchesHeadersFilter(parseHeadersFilter(''), raw)).toBe(true);
  });
});

describe('HTML sanitizing for display', () => {
  it('drops scripts, handlers, javascript: URLs, frames and forms, keeps content and cid: images', () => {
    const clean = sanitizeEmailHtml(
      '<p onclick="x()">Hi <b>there</b></p><script>evil()</script><a href="javascript:evil()">a</a><iframe src="//x"></iframe><form><input></form><img src="cid:logo@x" onerror="y()">',
    );
    expect(clean).toBe('<p>Hi <b>there</b></p><a rel="noopener noreferrer nofollow" target="_blank">a</a><img src="cid:logo@x" />');
  });
});

describe('reconnect backoff', () => {
  it('starts at 2 s, grows ×1.5, caps at 30 s, with jitter', () => {
    expect(nextReconnectDelayMs(1, () => 0.5)).toBe(2_000);
    expect(nextReconnectDelayMs(2, () => 0.5)).toBe(3_000);
    expect(nextReconnectDelayMs(20, () => 0.99)).toBe(30_000);
    expect(nextReconnectDelayMs(1, () => 0)).toBe(1_600);
  });
});
