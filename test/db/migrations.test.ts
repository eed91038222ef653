import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { projectRoot } from '../../src/paths.js';
import { migrateDownAll, migrateUp } from '../../src/db/migrator.js';
import { createScratchDatabase } from '../helpers/database.js';
import { runSequelizeCli } from '../helpers/sequelize-cli.js';

/** One file a migration: later changes of a table (issue 8 on) are migrations too, so they are counted apart. */
const MIGRATIONS = fs.readdirSync(path.join(projectRoot, 'migrations')).filter((name) => name.endsWith('.js')).length;
const TABLES = [
  'account_tokens', 'attempts', 'blog_posts', 'client_import_refusals', 'client_imports', 'client_tags', 'clients', 'deliveries', 'delivery_tries', 'groups',
  'mailing_clients', 'mailing_tags', 'mailings', 'messages', 'send_rate_limits', 'sessions', 'tags', 'test_sends', 'user_groups', 'users',
];

async function tables(sequelize: Sequelize): Promise<string[]> {
  const rows = await sequelize.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'SequelizeMeta' ORDER BY tablename`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((row) => row.tablename);
}

/** Every column, constraint, index and trigger, to compare a schema before and after a down/up cycle. */
async function schemaFingerprint(sequelize: Sequelize): Promise<string> {
  const rows = await sequelize.query<{ item: string }>(
    `SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '') AS item
       FROM information_schema.columns WHERE table_schema = 'public'
     UNION ALL SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
     UNION ALL SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
     ORDER BY 1`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((row) => row.item).join('\n');
}

describe('the migrations', () => {
  it('when applied, undone and applied again, then the schema is complete each time and identical', async () => {
    const sequelize = createSequelize(await createScratchDatabase('migrations'));
    try {
      const applied = await migrateUp(sequelize);
      expect(applied).to.have.length(MIGRATIONS);
      expect(await tables(sequelize)).to.deep.equal(TABLES);
      const first = await schemaFingerprint(sequelize);

      await migrateDownAll(sequelize);
      expect(await tables(sequelize)).to.deep.equal([]);

      await migrateUp(sequelize);
      expect(await schemaFingerprint(sequelize)).to.equal(first);
      expect(await migrateUp(sequelize), 'a second run has nothing to do').to.deep.equal([]);
    } finally {
      await sequelize.close();
    }
  });

  it('when two processes migrate at the same moment, then each migration is applied once', async () => {
    const url = await createScratchDatabase('migrations_race');
    const [a, b] = [createSequelize(url), createSequelize(url)];
    try {
      const [first, second] = await Promise.all([migrateUp(a), migrateUp(b)]);
      expect(first.length + second.length).to.equal(MIGRATIONS);
      expect(await tables(a)).to.deep.equal(TABLES);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('when the operator runs sequelize-cli db:migrate, db:migrate:undo:all and db:migrate again, then each works', async function () {
    this.timeout(120_000);
    const url = await createScratchDatabase('migrations_cli');
    const env = { DATABASE_URL: url };
    const up = await runSequelizeCli(['db:migrate'], env);
    expect(up.code, up.output).to.equal(0);
    expect(up.output).to.contain('20261122101100-create-account-tokens: migrated');

    const sequelize = createSequelize(url);
    try {
      expect(await tables(sequelize)).to.deep.equal(TABLES);
      const down = await runSequelizeCli(['db:migrate:undo:all'], env);
      expect(down.code, down.output).to.equal(0);
      expect(await tables(sequelize)).to.deep.equal([]);
      const again = await runSequelizeCli(['db:migrate'], env);
      expect(again.code, again.output).to.equal(0);
      expect(await tables(sequelize)).to.deep.equal(TABLES);
      expect(await migrateUp(sequelize), 'the service sees the CLI\'s bookkeeping').to.deep.equal([]);
    } finally {
      await sequelize.close();
    }
  });
});
