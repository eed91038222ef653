// Account tokens: random, stored only as a hash, single-use, expiring, and tied to their purpose.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { consumeToken, hashToken, issueToken, peekToken } from '../../src/accounts/tokens.js';

describe('account tokens', function () {
  const db = useTestDatabase();

  it('when a token is issued, then only its SHA-256 is stored, never the token itself', async function () {
    const user = await createUser(db());

    const token = await issueToken(db().models, user.id, 'verify');

    const [row] = await db().models.AccountToken.findAll();
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(row!.tokenHash).to.equal(hashToken(token)).and.not.equal(token);
    expect(JSON.stringify(row!.toJSON())).to.not.contain(token);
  });

  it('when a token is used, then it gives its user once and never again', async function () {
    const user = await createUser(db());
    const token = await issueToken(db().models, user.id, 'reset');

    expect(await peekToken(db().models, token, 'reset'), 'peeking does not use it').to.equal(user.id);
    expect(await consumeToken(db().models, token, 'reset')).to.equal(user.id);
    expect(await consumeToken(db().models, token, 'reset')).to.equal(undefined);
    expect(await peekToken(db().models, token, 'reset')).to.equal(undefined);
  });

  it('when two requests use the same token at once, then only one succeeds', async function () {
    const user = await createUser(db());
    const token = await issueToken(db().models, user.id, 'verify');

    const results = await Promise.all(Array.from({ length: 10 }, () => consumeToken(db().models, token, 'verify')));

    expect(results.filter((r) => r === user.id)).to.have.lengthOf(1);
  });

  it('when a token has expired, then it is refused', async function () {
    const user = await createUser(db());
    const token = await issueToken(db().models, user.id, 'verify', { now: new Date(Date.now() - 3 * 86400_000) });

    expect(await peekToken(db().models, token, 'verify')).to.equal(undefined);
    expect(await consumeToken(db().models, token, 'verify')).to.equal(undefined);
  });

  it('when a token is forged, malformed or used for the other purpose, then it is refused', async function () {
    const user = await createUser(db());
    const token = await issueToken(db().models, user.id, 'verify');

    for (const forged of ['A'.repeat(43), '', 'short', `${token}x`, "' OR 1=1 --"]) {
      expect(await consumeToken(db().models, forged, 'verify'), forged).to.equal(undefined);
    }
    expect(await consumeToken(db().models, token, 'reset')).to.equal(undefined);
    expect(await consumeToken(db().models, token, 'verify')).to.equal(user.id);
  });

  it('when a new token is issued, then the earlier unused one of that purpose stops working', async function () {
    const user = await createUser(db());
    const first = await issueToken(db().models, user.id, 'reset');
    const other = await issueToken(db().models, user.id, 'verify');

    const second = await issueToken(db().models, user.id, 'reset');

    expect(await peekToken(db().models, first, 'reset')).to.equal(undefined);
    expect(await peekToken(db().models, second, 'reset')).to.equal(user.id);
    expect(await peekToken(db().models, other, 'verify'), 'another purpose is untouched').to.equal(user.id);
  });
});
