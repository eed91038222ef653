// A run's deliveries page by page (src/reports/deliveries.ts attemptDeliveries): keyset pages, the status filter,
// the owner's scope, and one statement per page whatever the size of the run.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createUser } from '../helpers/factories.js';
import { attemptDeliveries } from '../../src/reports/deliveries.js';
import { loadActor, type Actor } from '../../src/access/policy.js';
import { countQueries } from '../helpers/count-queries.js';
import { MANAGER_PERMISSIONS } from '../admin/world.js';

describe("a run's deliveries page by page", function () {
  const db = useTestDatabase();

  /** A run of `sent` + `failed` deliveries (the first one to a client named Ann). */
  async function run(sent: number, failed: number) {
    const owner = await createUser(db());
    const ann = await createClient(db(), owner, { email: 'ann@example.test', fullName: 'Ann Reader' });
    const mailing = await createMailingRow(db(), owner, { clients: [ann] });
    const attempt = await db().models.Attempt.create({ mailingId: mailing.id, scheduledFor: new Date(), trigger: 'manual', status: 'success' });
    const rows = [];
    for (let i = 0; i < sent + failed; i++) {
      const ok = i < sent;
      rows.push({ attemptId: attempt.id, clientId: i === 0 ? ann.id : null, email: i === 0 ? ann.email : `r${i}@example.test`, status: ok ? 'sent' : 'failed', responseCode: ok ? 250 : 550, response: ok ? '250 OK' : '550 no such user' } as const);
    }
    await db().models.Delivery.bulkCreate(rows);
    return { owner: (await loadActor(db().models, owner.id)) as Actor, attemptId: attempt.id };
  }

  it('when the pages are walked by their cursors, then every delivery comes once, in order, and the last page says there is no next', async () => {
    const { owner, attemptId } = await run(30, 15);
    const seen: number[] = [];
    let after: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await attemptDeliveries(db().models, owner, attemptId, { after, perPage: 20 });
      pages += 1;
      seen.push(...page.deliveries.map((d) => d.id));
      expect(page.deliveries.length).to.be.at.most(20);
      if (page.next === null) break;
      after = page.next;
    }
    expect(pages).to.equal(3);
    expect(seen).to.have.length(45);
    expect(new Set(seen).size).to.equal(45);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
  });

  it('when a status is asked for, then only deliveries of that status come, and the client is named', async () => {
    const { owner, attemptId } = await run(30, 15);
    const failed = await attemptDeliveries(db().models, owner, attemptId, { status: 'failed', perPage: 100 });
    expect(failed.deliveries).to.have.length(15);
    expect(failed.deliveries.every((d) => d.status === 'failed' && d.responseCode === 550)).to.equal(true);
    expect(failed.next).to.equal(null);
    const first = await attemptDeliveries(db().models, owner, attemptId, { perPage: 1 });
    expect(first.deliveries[0]).to.include({ email: 'ann@example.test', clientName: 'Ann Reader', status: 'sent' });
  });

  it("when another user asks for a run's deliveries, then they get none; a manager who sees every mailing gets them", async () => {
    const { attemptId } = await run(3, 0);
    const stranger = (await loadActor(db().models, (await createUser(db())).id))!;
    const manager = (await loadActor(db().models, (await createUser(db(), { permissions: MANAGER_PERMISSIONS })).id))!;
    expect((await attemptDeliveries(db().models, stranger, attemptId)).deliveries).to.deep.equal([]);
    expect((await attemptDeliveries(db().models, manager, attemptId)).deliveries).to.have.length(3);
  });

  it('when a page of a run of 2,000 deliveries is read, then it takes one statement, as for a run of 3 (no query per row)', async () => {
    const small = await run(3, 0);
    const big = await run(1500, 500);
    const onSmall = await countQueries(db(), () => attemptDeliveries(db().models, small.owner, small.attemptId, { perPage: 100 }));
    const onBig = await countQueries(db(), () => attemptDeliveries(db().models, big.owner, big.attemptId, { perPage: 100 }));
    const onBigFailed = await countQueries(db(), () => attemptDeliveries(db().models, big.owner, big.attemptId, { status: 'failed', after: 1000, perPage: 100 }));
    expect([onSmall, onBig, onBigFailed]).to.deep.equal([1, 1, 1]);
  });
});
