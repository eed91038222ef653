// What the registration form accepts as an e-mail address and a password.
import { expect } from 'chai';
import { emailProblem, passwordProblem } from '../../src/accounts/account-rules.js';

describe('account rules', function () {
  it('when an address is well formed, then it passes; otherwise the message says what is expected', function () {
    expect(emailProblem(' ada@example.com ')).to.equal(undefined);
    for (const bad of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'a da@example.com', 'ada@example.c']) {
      expect(emailProblem(bad), bad).to.be.a('string');
    }
  });

  it('when a password is short, common, repetitive, too long for bcrypt or contains the address, then it is refused with a reason', function () {
    expect(passwordProblem('violet-kettle-93', 'ada@example.com')).to.equal(undefined);
    expect(passwordProblem('short1')).to.contain('at least 10');
    expect(passwordProblem('Password123')).to.contain('common');
    expect(passwordProblem('aaaaaaaaaaaa')).to.contain('different characters');
    expect(passwordProblem('x'.repeat(40) + 'y'.repeat(40))).to.contain('at most 72');
    expect(passwordProblem('adalovelace-99', 'adalovelace@example.com')).to.contain('e-mail address');
  });
});
