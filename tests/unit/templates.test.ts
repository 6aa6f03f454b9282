import { DEFAULT_TRANSFER_TEMPLATE, renderTemplate } from '../../domain/templates';

describe('message templates', () => {
  it('fills top-level and dotted placeholders, tolerating spaces inside the braces', () => {
    expect(renderTemplate('Hello {{customer.name}}, re: {{ subject }}', { customer: { name: 'Carla' }, subject: 'Order' })).toBe(
      'Hello Carla, re: Order',
    );
  });
  it('renders the transfer template with the two accounts', () => {
    expect(renderTemplate(DEFAULT_TRANSFER_TEMPLATE, { fromAccount: 'Sales', toAccount: 'Support' })).toBe(
      'Transferred from Sales to Support.',
    );
  });
  it('leaves unknown placeholders, objects and inherited properties empty instead of leaking them', () => {
    expect(renderTemplate('[{{missing}}][{{customer}}][{{customer.constructor}}][{{a.b.c}}]', { customer: { name: 'x' }, a: 'flat' })).toBe(
      '[][][][]',
    );
  });
  it('leaves text that only looks like a placeholder alone', () => {
    expect(renderTemplate('{{ 1abc }} {{}} {single}', { abc: 'x' })).toBe('{{ 1abc }} {{}} {single}');
  });
});
