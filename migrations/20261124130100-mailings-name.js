// A mailing gets a name people know it by (lists, reports, the dashboard): existing ones are named after their
// message's subject, and so is a mailing inserted without one (a trigger, for scripts that predate names). New
// attempts are labelled with the mailing's name (it was "Mailing #12: <subject>").
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE mailings ADD COLUMN name varchar(200);
    UPDATE mailings g SET name = left(m.subject, 200) FROM messages m WHERE m.id = g.message_id;
    ALTER TABLE mailings ALTER COLUMN name SET NOT NULL;
    ALTER TABLE mailings ADD CONSTRAINT mailings_name_not_blank CHECK (btrim(name) <> '');
    UPDATE attempts a SET mailing_label = g.name FROM mailings g WHERE g.id = a.mailing_id;

    CREATE FUNCTION mailings_name_from_subject() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.name IS NULL THEN
        SELECT left(m.subject, 200) INTO NEW.name FROM messages m WHERE m.id = NEW.message_id;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER mailings_name_from_subject BEFORE INSERT ON mailings FOR EACH ROW EXECUTE FUNCTION mailings_name_from_subject();

    CREATE OR REPLACE FUNCTION attempts_fill_from_mailing() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.owner_id IS NULL OR NEW.mailing_label IS NULL THEN
        SELECT coalesce(NEW.owner_id, g.owner_id), coalesce(NEW.mailing_label, left(g.name, 300))
          INTO NEW.owner_id, NEW.mailing_label
          FROM mailings g WHERE g.id = NEW.mailing_id;
      END IF;
      RETURN NEW;
    END $$;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE OR REPLACE FUNCTION attempts_fill_from_mailing() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.owner_id IS NULL OR NEW.mailing_label IS NULL THEN
        SELECT coalesce(NEW.owner_id, g.owner_id), coalesce(NEW.mailing_label, left('Mailing #' || g.id || ': ' || m.subject, 300))
          INTO NEW.owner_id, NEW.mailing_label
          FROM mailings g JOIN messages m ON m.id = g.message_id WHERE g.id = NEW.mailing_id;
      END IF;
      RETURN NEW;
    END $$;
    DROP TRIGGER mailings_name_from_subject ON mailings;
    DROP FUNCTION mailings_name_from_subject();
    ALTER TABLE mailings DROP COLUMN name;
  `);
}
