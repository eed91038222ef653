// Periodicity "once": a single send at the start, so such a mailing needs no end (end_at may be NULL for it only).
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE mailings DROP CONSTRAINT mailings_periodicity_valid;
    ALTER TABLE mailings ADD CONSTRAINT mailings_periodicity_valid CHECK (periodicity IN ('once', 'daily', 'weekly', 'monthly'));
    ALTER TABLE mailings ALTER COLUMN end_at DROP NOT NULL;
    ALTER TABLE mailings ADD CONSTRAINT mailings_end_unless_once CHECK (end_at IS NOT NULL OR periodicity = 'once');
  `);
}

// a "once" mailing becomes a daily one that ends a second after its start: the same single run
export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    UPDATE mailings SET end_at = coalesce(end_at, start_at + interval '1 second'), periodicity = 'daily' WHERE periodicity = 'once';
    ALTER TABLE mailings DROP CONSTRAINT mailings_end_unless_once;
    ALTER TABLE mailings ALTER COLUMN end_at SET NOT NULL;
    ALTER TABLE mailings DROP CONSTRAINT mailings_periodicity_valid;
    ALTER TABLE mailings ADD CONSTRAINT mailings_periodicity_valid CHECK (periodicity IN ('daily', 'weekly', 'monthly'));
  `);
}
