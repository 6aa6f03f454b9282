/**
 * The loop rule, whole: every member of the family of machine-sent mail is recognised, at ingestion (tags from the raw
 * header values) and again at autoreply time (from the stored header map), and a person's email is not.
 */
import { loopTags, storedLoopReason, type LoopTag } from '../../domain/loop-detection';

const account = 'support@example.test';
const own = { accountAddress: account, ownMessageIds: new Set(['<ours@example.test>']) };

interface Case {
  name: string;
  headers?: Record<string, string>;
  contentType?: string;
  from?: string;
  messageId?: string;
  tags: LoopTag[];
}

const cases: Case[] = [
  { name: 'X-Loop', headers: { 'x-loop': 'support@example.test' }, tags: ['loop'] },
  { name: 'Auto-Submitted: auto-generated', headers: { 'auto-submitted': 'auto-generated' }, tags: ['auto-submitted'] },
  { name: 'Auto-Submitted: auto-replied', headers: { 'auto-submitted': 'auto-replied; vacation' }, tags: ['auto-reply', 'auto-submitted'] },
  { name: 'Auto-Submitted: auto-notified', headers: { 'auto-submitted': 'Auto-Notified' }, tags: ['auto-submitted'] },
  { name: 'Precedence: bulk', headers: { precedence: 'bulk' }, tags: ['bulk'] },
  { name: 'Precedence: junk', headers: { precedence: 'junk' }, tags: ['bulk'] },
  { name: 'Precedence: list', headers: { precedence: 'list' }, tags: ['list'] },
  { name: 'Precedence: auto_reply', headers: { precedence: 'auto_reply' }, tags: ['auto-reply'] },
  { name: 'List-Id', headers: { 'list-id': '<news.example.com>' }, tags: ['list'] },
  { name: 'List-Unsubscribe', headers: { 'list-unsubscribe': '<mailto:leave@example.com>' }, tags: ['list'] },
  { name: 'empty Return-Path', headers: { 'return-path': '<>' }, tags: ['bounce'] },
  { name: 'Return-Path with a space', headers: { 'return-path': '< >' }, tags: ['bounce'] },
  { name: 'X-Autoreply', headers: { 'x-autoreply': 'yes' }, tags: ['auto-reply'] },
  { name: 'X-Autorespond', headers: { 'x-autorespond': 'Out of office' }, tags: ['auto-reply'] },
  { name: 'X-Auto-Response-Suppress: All', headers: { 'x-auto-response-suppress': 'All' }, tags: ['auto-reply'] },
  { name: 'X-Auto-Response-Suppress: OOF', headers: { 'x-auto-response-suppress': 'DR, OOF' }, tags: ['auto-reply'] },
  {
    name: 'a delivery status notification',
    contentType: 'multipart/report; report-type=delivery-status; boundary="b"',
    from: 'mailer-daemon@mx.customer.test',
    tags: ['bounce'],
  },
  { name: 'a feedback (abuse) report', contentType: 'multipart/report; report-type=feedback-report; boundary=b', tags: ['report'] },
  { name: 'a read receipt', contentType: 'multipart/report; report-type=disposition-notification; boundary=b', tags: ['report'] },
  { name: 'a postmaster sender', from: 'postmaster@customer.test', tags: ['bounce'] },
  { name: 'a no-reply sender', from: 'no-reply+orders@shop.test', tags: ['no-reply'] },
  { name: 'no sender at all', from: '', tags: ['no-reply'] },
  { name: 'our own address', from: 'Support@Example.test', tags: ['own-message'] },
  { name: 'our own sent mail (Message-ID)', messageId: '<ours@example.test>', tags: ['own-message'] },
];

const ingested = (entry: Case) =>
  loopTags(
    {
      get: (name) => (entry.headers?.[name] !== undefined ? [entry.headers[name]!] : []),
      contentType: entry.contentType ?? 'text/plain',
      fromAddress: entry.from ?? 'carla@customer.test',
      messageId: entry.messageId ?? '<m1@customer.test>',
    },
    own,
  );

describe('loop rule', () => {
  it.each(cases.map((entry) => [entry.name, entry] as const))('recognises %s at ingestion', (_name, entry) => {
    expect(ingested(entry)).toEqual(entry.tags);
  });

  it.each(cases.filter((entry) => entry.messageId === undefined).map((entry) => [entry.name, entry] as const))(
    'recognises %s again from the stored headers, untagged',
    (_name, entry) => {
      const headers = { ...entry.headers, ...(entry.contentType ? { 'content-type': entry.contentType } : {}) };
      expect(
        storedLoopReason({ loopTags: [], headers, fromAddress: entry.from ?? 'carla@customer.test', accountAddress: account }),
      ).not.toBeNull();
    },
  );

  it('lets a person through: Auto-Submitted: no, an ordinary reply, a multipart/mixed email', () => {
    expect(ingested({ name: 'person', headers: { 'auto-submitted': 'no' }, tags: [] })).toEqual([]);
    expect(ingested({ name: 'person', headers: { 'in-reply-to': '<x@y>', 'x-auto-response-suppress': 'None' }, tags: [] })).toEqual([]);
    expect(ingested({ name: 'person', contentType: 'multipart/mixed; boundary=b', tags: [] })).toEqual([]);
    expect(
      storedLoopReason({ loopTags: [], headers: { 'auto-submitted': 'no' }, fromAddress: 'carla@customer.test', accountAddress: account }),
    ).toBeNull();
  });

  it('says why, naming the header', () => {
    expect(storedLoopReason({ loopTags: ['bounce'], headers: {}, fromAddress: 'carla@customer.test', accountAddress: account })).toBe(
      'the message is tagged bounce',
    );
    expect(
      storedLoopReason({
        loopTags: [],
        headers: { 'x-loop': 'helpdesk@customer.test' },
        fromAddress: 'carla@customer.test',
        accountAddress: account,
      }),
    ).toBe('X-Loop: helpdesk@customer.test');
  });
});
