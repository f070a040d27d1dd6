import { duration, mails } from './templates';

describe('mail templates', () => {
  it.each([
    [1800, '30 minutes'],
    [3600, '1 hour'],
    [86_400, '1 day'],
    [172_800, '2 days'],
    [5400, '90 minutes'],
    [90, '2 minutes'],
    [45, '45 seconds'],
  ])('says %i seconds as "%s"', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });

  it('tells the verification link lifetime that EMAIL_VERIFICATION_TTL sets', () => {
    const mail = mails.verifyEmail('a@example.com', 'http://localhost:3000', 'tok', 7200);
    expect(mail.text).toContain('within 2 hours:');
    expect(mail.text).not.toContain('24 hours');
  });

  it('tells the reset link lifetime that PASSWORD_RESET_TTL sets', () => {
    const mail = mails.passwordReset('a@example.com', 'http://localhost:3000', 'tok', 1800);
    expect(mail.text).toContain('within 30 minutes to choose');
  });
});
