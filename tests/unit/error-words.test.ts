/** The API's refusals as the web client words them (web/src/error-words.ts). */
import { describeProblem, describeStatus, fieldLabel } from '../../web/src/error-words';

describe('error words', () => {
  it('names fields by labels a person reads', () => {
    expect(fieldLabel('steps.0.template')).toBe('Step 1: template');
    expect(fieldLabel('imapPort')).toBe('IMAP port');
    expect(fieldLabel('to.1.name')).toBe('Recipient 2: name');
    expect(fieldLabel('(body)')).toBe('The request');
  });

  it("says a number's range, an empty text and a missing field as sentences, next to the field and elsewhere", () => {
    const port = {
      field: 'smtpPort',
      reason: 'Too big: expected number to be <=65535',
      code: 'too_big',
      origin: 'number',
      minimum: 1,
      maximum: 65535,
    };
    expect(describeProblem(port, true)).toBe('The port must be a number from 1 to 65535.');
    expect(describeProblem(port)).toBe('SMTP port must be a number from 1 to 65535.');
    const template = {
      field: 'steps.0.template',
      reason: 'Too small: expected string to have >=1 characters',
      code: 'too_small',
      origin: 'string',
      minimum: 1,
    };
    expect(describeProblem(template)).toBe('Step 1: template must not be empty.');
    expect(
      describeProblem({
        field: 'name',
        reason: 'Invalid input: expected string, received undefined',
        code: 'invalid_type',
        expected: 'string',
      }),
    ).toBe('Name is required.');
    expect(describeProblem({ field: 'steps.1.queueId', reason: 'no such queue' })).toBe('Step 2: queue: no such queue.');
  });

  it('says an unreachable server without the browser’s words', () => {
    expect(describeStatus(0, 'Failed to fetch', 'GET')).toBe("Can't reach the server. Check your connection; we'll keep trying.");
    expect(describeStatus(0, 'Failed to fetch', 'POST')).not.toMatch(/Failed to fetch/);
    expect(describeStatus(401, 'wrong email or password', 'POST')).toBe('Wrong email or password.');
  });
});
