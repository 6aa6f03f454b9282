/**
 * The account's templates, pure: the logo travels as an inline part named by its content (never a remote image), the
 * text style reaches the HTML part, a logo upload is the image format it claims, and a notification names the queue.
 */
import { logoTypeOf } from '../../domain/account';
import { renderNotification } from '../../domain/notifications';
import { composeAgentBody, logoAttachment } from '../../domain/outbound';
import { png } from '../support/png';

const logo = { filename: 'logo.png', contentType: 'image/png', sha256: 'ab'.repeat(32), size: 120 };
const variables = { account: { name: 'Shop <support>' }, customer: { name: 'Carla' } };

describe('the body template', () => {
  it('shows the logo as a cid: part of the email, named by its content, with the account as its text', () => {
    const part = logoAttachment({ logo });
    expect(part).toEqual({ ...logo, cid: `logo-${'ab'.repeat(8)}@mailroute` });
    const { html } = composeAgentBody({ agentText: 'Hi', cannedAnswer: null, template: { logo }, variables, forwarded: null });
    expect(html).toContain(`<img src="cid:${part!.cid}" alt="Shop &lt;support&gt;"`);
  });

  it('never links a remote logo address, even one stored by an older version', () => {
    const template = { logoUrl: 'https://cdn.example.test/logo.png' };
    expect(logoAttachment(template)).toBeNull();
    const { html } = composeAgentBody({ agentText: 'Hi', cannedAnswer: null, template, variables, forwarded: null });
    expect(html).not.toContain('cdn.example.test');
    expect(html).not.toContain('<img');
  });

  it('puts the font, size and colour on the HTML part, and drops a colour that is not #rrggbb', () => {
    const styled = composeAgentBody({
      agentText: 'Hi',
      cannedAnswer: null,
      template: { fontFamily: 'Georgia, serif', fontSize: 15, color: '#1a4d80' },
      variables,
      forwarded: null,
    });
    expect(styled.html.split('\n')[0]).toBe('<div style="font-family:Georgia, serif;font-size:15px;color:#1a4d80">');
    const hostile = composeAgentBody({
      agentText: 'Hi',
      cannedAnswer: null,
      template: { color: 'red;background:url(x)' },
      variables,
      forwarded: null,
    });
    expect(hostile.html.split('\n')[0]).toBe('<div>');
  });
});

describe('a logo upload', () => {
  it('is the image format its leading bytes show, whatever it claims', () => {
    expect(logoTypeOf(png(2, 2, [0, 0, 0]))).toBe('image/png');
    expect(logoTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(logoTypeOf(Buffer.from('GIF89a', 'latin1'))).toBe('image/gif');
    expect(logoTypeOf(Buffer.from('GIF87a', 'latin1'))).toBe('image/gif');
    expect(logoTypeOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(logoTypeOf(Buffer.alloc(0))).toBeNull();
  });
});

describe('the notification template', () => {
  const account = { key: 'SHOP', name: 'Shop', notificationSound: true, notificationShake: false };
  const interaction = { id: 7, subject: 'Order 7', customerEmail: 'carla@customer.test', customerName: 'Carla' };

  it('names the queue the interaction is offered from, and nothing before it has one', () => {
    const template = { ...account, notificationTemplate: '[{{queue.name}}] {{customer.name}}: {{subject}}' };
    expect(renderNotification(template, { ...interaction, queue: { name: 'Refunds' } }).text).toBe('[Refunds] Carla: Order 7');
    expect(renderNotification(template, { ...interaction, queue: null }).text).toBe('[] Carla: Order 7');
    expect(renderNotification(template, interaction).text).toBe('[] Carla: Order 7');
  });
});
