// The value lists the models export (and the back office offers as choices) are the ones the database's CHECK
// constraints allow: a migration that adds a status without the model, or the reverse, fails here.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { ATTEMPT_STATUSES, ATTEMPT_TRIGGERS } from '../../src/models/attempt.js';
import { DELIVERY_STATUSES, SKIP_REASONS } from '../../src/models/delivery.js';
import { MAILING_STATUSES, PERIODICITIES } from '../../src/models/mailing.js';
import { TOKEN_PURPOSES } from '../../src/models/account-token.js';

const LISTS: Array<[constraint: string, list: readonly string[]]> = [
  ['attempts_status_valid', ATTEMPT_STATUSES],
  ['attempts_trigger_valid', ATTEMPT_TRIGGERS],
  ['deliveries_status_valid', DELIVERY_STATUSES],
  ['deliveries_skip_reason_valid', SKIP_REASONS],
  ['mailings_status_valid', MAILING_STATUSES],
  ['mailings_periodicity_valid', PERIODICITIES],
  ['account_tokens_purpose_valid', TOKEN_PURPOSES],
];

describe('the models\' value lists', () => {
  const db = useTestDatabase();

  for (const [constraint, list] of LISTS) {
    it(`when the migrations have run, then ${constraint} allows exactly [${list.join(', ')}]`, async () => {
      const rows = await db().sequelize.query<{ definition: string }>(
        `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = :constraint AND connamespace = 'public'::regnamespace`,
        { replacements: { constraint }, type: QueryTypes.SELECT },
      );

      expect(rows, `${constraint} exists`).to.have.length(1);
      const allowed = [...rows[0]!.definition.matchAll(/'([^']*)'/g)].map((match) => match[1]);
      expect([...allowed].sort()).to.deep.equal([...list].sort());
    });
  }
});
