import { PasswordPolicy } from './password-policy';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy();
  const context = { email: 'alice.smith@example.com', name: 'Alice Smith' };

  it('accepts a long passphrase with no composition rules', () => {
    expect(policy.problem('correct horse battery staple', context)).toBeNull();
    expect(policy.problem('всё ещё длинная фраза для входа', context)).toBeNull();
  });

  it.each([
    ['Password1!', /too easy to guess/],
    ['qwertyuiop', /too easy to guess/],
    ['alicesmith2024', /too easy to guess/],
    ['short', /at least 8 characters/],
    ['a'.repeat(73), /at most 72 bytes/],
    ['ü'.repeat(37), /at most 72 bytes/],
  ])('refuses %j and says why', (password, reason) => {
    expect(policy.problem(password, context)).toMatch(reason);
  });

  it('accepts exactly 72 bytes', () => {
    expect(
      policy.problem('Zq8#vL2!mW4$rT6^yU9&pK1*nB3@xC5%'.repeat(3).slice(0, 72), context),
    ).toBeNull();
  });
});
