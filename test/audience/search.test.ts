// The picker's search (src/audience/search.ts) against the real database: whichever of its two plans answers (the
// owner's first PICKER_HEAD clients by e-mail, or the owner's trigram indexes), the page is the first matches of
// all in e-mail order, "more" is exact, and another owner's clients never appear.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { clientSearch, PICKER_HEAD, PICKER_PAGE } from '../../src/audience/search.js';
import type { User } from '../../src/models/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

describe('the client picker\'s search', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let owner: User;
  let other: User;

  /** Clients of `user`: e-mail `${prefix}-${i}@…`, name `${name} ${i}`, i = 1..n, in one statement. */
  async function clients(user: User, n: number, prefix: string, name: string): Promise<void> {
    await db().sequelize.query(
      `INSERT INTO clients (owner_id, email, full_name) SELECT $1, $2 || '-' || i || '@example.test', $3 || ' ' || i FROM generate_series(1, $4) AS i`,
      { bind: [user.id, prefix, name, n] },
    );
  }

  /** What the picker must answer: every client of the owner whose e-mail or name holds the piece, by e-mail. */
  async function expected(user: User, piece: string): Promise<string[]> {
    const rows = await db().sequelize.query<{ email: string; full_name: string }>(
      'SELECT email, full_name FROM clients WHERE owner_id = $1', { bind: [user.id], type: QueryTypes.SELECT },
    );
    const lower = piece.toLowerCase();
    return rows
      .filter((row) => row.email.toLowerCase().includes(lower) || row.full_name.toLowerCase().includes(lower))
      .map((row) => row.email)
      .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  }

  beforeEach(async () => {
    owner = await createUser(db(), { email: 'picker-owner@example.test' });
    other = await createUser(db(), { email: 'picker-other@example.test' });
    // the owner: PICKER_HEAD + 200 clients "aaa-…" first by e-mail, then 60 "zed-…" whose names share "Петрова"
    await clients(owner, PICKER_HEAD + 200, 'aaa', 'Иван Иванов');
    await clients(owner, 60, 'zed', 'Анна Петрова');
    // the other owner: clients that come before "zed-…" by e-mail and match every piece below
    await clients(other, 50, 'bb', 'Анна Петрова zed aaa');
    await db().sequelize.query('ANALYZE clients');
  });

  it('when a piece matches only clients beyond the owner\'s first PICKER_HEAD by e-mail, then the page is the first of them in e-mail order, "more" is true, and no other owner\'s client is in it', async () => {
    const search = clientSearch(db().sequelize);
    const all = await expected(owner, 'ПЕТРОВА');
    expect(all).to.have.length(60);
    const found = await search.find(owner.id, 'ПЕТРОВА');
    expect(found.clients.map((c) => c.email)).to.deep.equal(all.slice(0, PICKER_PAGE));
    expect(found.more).to.equal(true);
    expect(found.clients[0]!.label).to.equal('Анна Петрова 10 <zed-10@example.test>');
  });

  it('when a piece matches a few clients beyond the first PICKER_HEAD, then they all come back in e-mail order and "more" is false', async () => {
    const search = clientSearch(db().sequelize);
    const found = await search.find(owner.id, 'zed-1');
    const all = await expected(owner, 'zed-1');
    expect(all).to.have.length(11); // zed-1, zed-10 … zed-19
    expect(found.clients.map((c) => c.email)).to.deep.equal(all);
    expect(found.more).to.equal(false);
  });

  it('when a piece matches clients among the first PICKER_HEAD and beyond, then the page is the first matches of all by e-mail and "more" says whether more match', async () => {
    const search = clientSearch(db().sequelize);
    for (const piece of ['example.test', 'ИВАНОВ', 'aaa-1', '99', '5@']) {
      const all = await expected(owner, piece);
      const found = await search.find(owner.id, piece);
      expect(found.clients.map((c) => c.email), piece).to.deep.equal(all.slice(0, PICKER_PAGE));
      expect(found.more, piece).to.equal(all.length > PICKER_PAGE);
    }
  });

  it('when nothing is typed, then the page is the owner\'s first clients by e-mail; when nothing matches, then the page is empty and "more" false', async () => {
    const search = clientSearch(db().sequelize);
    const first = await search.find(owner.id, '  ');
    expect(first.clients.map((c) => c.email)).to.deep.equal((await expected(owner, '')).slice(0, PICKER_PAGE));
    expect(first.more).to.equal(true);
    expect(await search.find(owner.id, 'zzz-nothing')).to.deep.equal({ clients: [], more: false });
    // a piece only the other owner's clients hold
    expect(await search.find(owner.id, 'bb-1@')).to.deep.equal({ clients: [], more: false });
  });
});
