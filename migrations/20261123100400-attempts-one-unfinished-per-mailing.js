// A mailing has at most one unfinished run (spec rule 5, issue 8): a second "send now", the CLI after a crash or
// a scheduled run resume or wait for the unfinished one instead of opening a run beside it. The unique partial
// index replaces the plain attempts_unfinished_idx. Older duplicates (made before this rule) are closed first.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    UPDATE attempts a SET status = 'failure', finished_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now(),
           server_response = coalesce(server_response, 'closed: another run of the mailing was unfinished at the same time')
     WHERE a.status = 'running'
       AND EXISTS (SELECT 1 FROM attempts b WHERE b.mailing_id = a.mailing_id AND b.status = 'running' AND b.id > a.id);
    DROP INDEX attempts_unfinished_idx;
    CREATE UNIQUE INDEX attempts_one_unfinished_per_mailing ON attempts (mailing_id) WHERE status = 'running';
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    DROP INDEX attempts_one_unfinished_per_mailing;
    CREATE INDEX attempts_unfinished_idx ON attempts (mailing_id) WHERE status = 'running';
  `);
}
