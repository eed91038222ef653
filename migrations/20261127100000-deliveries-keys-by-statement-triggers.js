// The two foreign keys of `deliveries` (attempt_id → attempts ON DELETE CASCADE, client_id → clients ON DELETE SET
// NULL) become triggers that give the same guarantees set-based. A declared key checks each inserted row with a
// query of its own (`SELECT 1 … FOR KEY SHARE` on the parent): a run's snapshot of 100,000 recipients ran 200,000
// of them, more than half of its time. The check below runs once per INSERT statement over its new rows (a transition
// table): every attempt_id and every non-null client_id must exist, and the parents are locked FOR KEY SHARE as the
// declared key locks them, so a delete of one of them waits for the inserting transaction (and then nulls or removes
// its rows) and an insert for a parent being deleted waits, then is refused. The error is the declared key's:
// SQLSTATE 23503, the same constraint name and message. The rest keeps what the keys did:
//   - an UPDATE that changes a delivery's attempt_id or sets a client_id is checked the same way (per row: only the
//     rare updates that change a key fire it; a client's deletion setting client_id NULL does not);
//   - deleting attempts deletes their deliveries (was ON DELETE CASCADE), deleting clients sets their deliveries'
//     client_id NULL (was ON DELETE SET NULL), once per statement through the indexes leading with each column;
//   - changing the id of an attempt or client that deliveries use, or truncating attempts or clients while
//     deliveries still point at them, is refused (was: the key's NO ACTION on update; TRUNCATE of a referenced table);
//   - those deletes, id changes and truncates need a READ COMMITTED transaction (the service uses no other level):
//     an older snapshot could miss a concurrent insert's rows, where a declared key would fail the transaction.
const CHECK = `
  CREATE FUNCTION deliveries_keys_check(missing_attempt bigint, missing_client bigint) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    IF missing_attempt IS NOT NULL THEN
      RAISE EXCEPTION 'insert or update on table "deliveries" violates foreign key constraint "deliveries_attempt_id_fkey"'
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'deliveries_attempt_id_fkey', TABLE = 'deliveries', COLUMN = 'attempt_id',
              DETAIL = format('Key (attempt_id)=(%s) is not present in table "attempts".', missing_attempt);
    END IF;
    IF missing_client IS NOT NULL THEN
      RAISE EXCEPTION 'insert or update on table "deliveries" violates foreign key constraint "deliveries_client_id_fkey"'
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'deliveries_client_id_fkey', TABLE = 'deliveries', COLUMN = 'client_id',
              DETAIL = format('Key (client_id)=(%s) is not present in table "clients".', missing_client);
    END IF;
  END $$;

  -- The delete side reads deliveries with the statement's snapshot: in READ COMMITTED (the service's only level) that
  -- snapshot is taken after the wait for a concurrent inserter, so its rows are seen. A REPEATABLE READ or
  -- SERIALIZABLE transaction keeps an older snapshot and would miss them (a declared key checks against the latest
  -- one, which a trigger cannot): there, deleting, re-keying or truncating attempts or clients is refused.
  CREATE FUNCTION deliveries_keys_read_committed(parent text) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
      RAISE EXCEPTION 'deleting or changing the ids of % needs a READ COMMITTED transaction (this one is %)', parent, upper(current_setting('transaction_isolation'))
        USING ERRCODE = 'feature_not_supported',
              HINT = 'The keys of "deliveries" are kept by triggers that must see deliveries written by transactions committed meanwhile.';
    END IF;
  END $$;

  -- after an INSERT: the statement's new rows, once. Each query locks the parents it finds (FOR KEY SHARE, as the
  -- declared key does) in the same statement that counts them, so a parent counted is a parent locked; fewer than
  -- asked for means one is missing (the query that names it runs only then). The clients are joined row for row
  -- (not IN (SELECT …)): the planner then knows how many there are and hashes them instead of probing the
  -- primary key once per row; a client given twice is locked twice and counted twice, which keeps the sum exact.
  CREATE FUNCTION deliveries_keys_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    attempt_ids integer[];
    clients_given bigint;
    found bigint;
    missing_attempt bigint;
    missing_client bigint;
  BEGIN
    SELECT array_agg(attempt_id), sum(n) INTO attempt_ids, clients_given
      FROM (SELECT attempt_id, count(client_id) AS n FROM new_rows GROUP BY attempt_id) per_attempt;
    SELECT count(*) INTO found FROM (SELECT 1 FROM attempts a WHERE a.id = ANY (attempt_ids) FOR KEY SHARE OF a) l;
    IF found < cardinality(attempt_ids) THEN
      SELECT id INTO missing_attempt FROM unnest(attempt_ids) AS asked (id) WHERE NOT EXISTS (SELECT 1 FROM attempts a WHERE a.id = asked.id) LIMIT 1;
      PERFORM deliveries_keys_check(coalesce(missing_attempt, -1), NULL);
    END IF;
    IF clients_given > 0 THEN
      SELECT count(*) INTO found FROM (SELECT 1 FROM new_rows n JOIN clients c ON c.id = n.client_id FOR KEY SHARE OF c) l;
      IF found < clients_given THEN
        SELECT n.client_id INTO missing_client FROM new_rows n
          WHERE n.client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = n.client_id) LIMIT 1;
        PERFORM deliveries_keys_check(NULL, coalesce(missing_client, -1));
      END IF;
    END IF;
    RETURN NULL;
  END $$;

  -- after an UPDATE of one row that changed a key (the trigger's WHEN says which)
  CREATE FUNCTION deliveries_keys_updated() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM deliveries_keys_check(
      CASE WHEN NEW.attempt_id IS DISTINCT FROM OLD.attempt_id AND NOT EXISTS (SELECT 1 FROM attempts WHERE id = NEW.attempt_id FOR KEY SHARE)
           THEN NEW.attempt_id END,
      CASE WHEN NEW.client_id IS DISTINCT FROM OLD.client_id AND NEW.client_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM clients WHERE id = NEW.client_id FOR KEY SHARE)
           THEN NEW.client_id END);
    RETURN NULL;
  END $$;

  CREATE FUNCTION deliveries_of_deleted_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
      RETURN NULL;
    END IF;
    PERFORM deliveries_keys_read_committed(TG_TABLE_NAME);
    DELETE FROM deliveries WHERE attempt_id IN (SELECT id FROM old_rows);
    RETURN NULL;
  END $$;

  CREATE FUNCTION deliveries_of_deleted_clients() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
      RETURN NULL;
    END IF;
    PERFORM deliveries_keys_read_committed(TG_TABLE_NAME);
    UPDATE deliveries SET client_id = NULL WHERE client_id IN (SELECT id FROM old_rows);
    RETURN NULL;
  END $$;

  -- a parent's id changed while deliveries use it (TG_ARGV[0]: the deliveries' column)
  CREATE FUNCTION deliveries_parent_key_kept() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    used boolean;
  BEGIN
    PERFORM deliveries_keys_read_committed(TG_TABLE_NAME);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM deliveries WHERE %I = $1)', TG_ARGV[0]) INTO used USING OLD.id;
    IF used THEN
      RAISE EXCEPTION 'update or delete on table "%" violates foreign key constraint "deliveries_%_fkey" on table "deliveries"', TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = format('deliveries_%s_fkey', TG_ARGV[0]), TABLE = 'deliveries',
              DETAIL = format('Key (id)=(%s) is still referenced from table "deliveries".', OLD.id);
    END IF;
    RETURN NULL;
  END $$;

  -- a parent table truncated while deliveries still point into it (both truncated together is fine)
  CREATE FUNCTION deliveries_parent_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    used boolean;
  BEGIN
    PERFORM deliveries_keys_read_committed(TG_TABLE_NAME);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM deliveries WHERE %I IS NOT NULL)', TG_ARGV[0]) INTO used;
    IF used THEN
      RAISE EXCEPTION 'cannot truncate table "%": deliveries still reference it (constraint "deliveries_%_fkey")', TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'foreign_key_violation', HINT = 'Truncate table "deliveries" at the same time.';
    END IF;
    RETURN NULL;
  END $$;

  CREATE TRIGGER deliveries_keys_inserted AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deliveries_keys_inserted();
  CREATE TRIGGER deliveries_keys_updated AFTER UPDATE OF attempt_id, client_id ON deliveries FOR EACH ROW
    WHEN (NEW.attempt_id IS DISTINCT FROM OLD.attempt_id OR (NEW.client_id IS DISTINCT FROM OLD.client_id AND NEW.client_id IS NOT NULL))
    EXECUTE FUNCTION deliveries_keys_updated();
  CREATE TRIGGER deliveries_of_deleted_attempts AFTER DELETE ON attempts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deliveries_of_deleted_attempts();
  CREATE TRIGGER deliveries_of_deleted_clients AFTER DELETE ON clients
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deliveries_of_deleted_clients();
  CREATE TRIGGER deliveries_attempt_key_kept AFTER UPDATE OF id ON attempts FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION deliveries_parent_key_kept('attempt_id');
  CREATE TRIGGER deliveries_client_key_kept AFTER UPDATE OF id ON clients FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION deliveries_parent_key_kept('client_id');
  CREATE TRIGGER deliveries_attempts_truncated AFTER TRUNCATE ON attempts FOR EACH STATEMENT EXECUTE FUNCTION deliveries_parent_truncated('attempt_id');
  CREATE TRIGGER deliveries_clients_truncated AFTER TRUNCATE ON clients FOR EACH STATEMENT EXECUTE FUNCTION deliveries_parent_truncated('client_id');
`;

// one query string of several statements: PostgreSQL runs it as one transaction
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_attempt_id_fkey, DROP CONSTRAINT deliveries_client_id_fkey; ${CHECK}`);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(
    `DROP TRIGGER deliveries_keys_inserted ON deliveries;
       DROP TRIGGER deliveries_keys_updated ON deliveries;
       DROP TRIGGER deliveries_of_deleted_attempts ON attempts;
       DROP TRIGGER deliveries_of_deleted_clients ON clients;
       DROP TRIGGER deliveries_attempt_key_kept ON attempts;
       DROP TRIGGER deliveries_client_key_kept ON clients;
       DROP TRIGGER deliveries_attempts_truncated ON attempts;
       DROP TRIGGER deliveries_clients_truncated ON clients;
       DROP FUNCTION deliveries_keys_inserted(), deliveries_keys_updated(), deliveries_of_deleted_attempts(),
         deliveries_of_deleted_clients(), deliveries_parent_key_kept(), deliveries_parent_truncated(),
         deliveries_keys_check(bigint, bigint), deliveries_keys_read_committed(text);
       ALTER TABLE deliveries
         ADD CONSTRAINT deliveries_attempt_id_fkey FOREIGN KEY (attempt_id) REFERENCES attempts (id) ON DELETE CASCADE,
         ADD CONSTRAINT deliveries_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE SET NULL;`,
  );
}
