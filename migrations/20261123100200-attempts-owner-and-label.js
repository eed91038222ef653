// An attempt keeps what its reports need once its mailing is deleted: the owner (the access scope of attempts
// and deliveries) and a label of the mailing, "Mailing #12: <message subject>" (mailings have no name yet).
// Both are filled from the mailing when the attempt is inserted, whoever inserts it (engine, seeds, tests).
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE attempts ADD COLUMN owner_id integer REFERENCES users (id) ON DELETE CASCADE;
    ALTER TABLE attempts ADD COLUMN mailing_label varchar(300);
    UPDATE attempts a SET owner_id = g.owner_id, mailing_label = left('Mailing #' || g.id || ': ' || m.subject, 300)
      FROM mailings g JOIN messages m ON m.id = g.message_id WHERE g.id = a.mailing_id;
    ALTER TABLE attempts ALTER COLUMN owner_id SET NOT NULL;
    ALTER TABLE attempts ALTER COLUMN mailing_label SET NOT NULL;
    CREATE INDEX attempts_owner_id_idx ON attempts (owner_id);

    CREATE FUNCTION attempts_fill_from_mailing() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.owner_id IS NULL OR NEW.mailing_label IS NULL THEN
        SELECT coalesce(NEW.owner_id, g.owner_id), coalesce(NEW.mailing_label, left('Mailing #' || g.id || ': ' || m.subject, 300))
          INTO NEW.owner_id, NEW.mailing_label
          FROM mailings g JOIN messages m ON m.id = g.message_id WHERE g.id = NEW.mailing_id;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER attempts_fill_from_mailing BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION attempts_fill_from_mailing();
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    DROP TRIGGER attempts_fill_from_mailing ON attempts;
    DROP FUNCTION attempts_fill_from_mailing();
    ALTER TABLE attempts DROP COLUMN mailing_label;
    ALTER TABLE attempts DROP COLUMN owner_id;
  `);
}
