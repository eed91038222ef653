// Blog posts shown on the public site; an unset publication date is a draft.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE blog_posts (
      id           serial PRIMARY KEY,
      title        varchar(200) NOT NULL CONSTRAINT blog_posts_title_not_blank CHECK (btrim(title) <> ''),
      content      text NOT NULL,
      image        varchar(500),
      views_count  integer NOT NULL DEFAULT 0 CONSTRAINT blog_posts_views_count_valid CHECK (views_count >= 0),
      published_at timestamptz,
      author_id    integer REFERENCES users (id) ON DELETE SET NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX blog_posts_published_at_idx ON blog_posts (published_at DESC) WHERE published_at IS NOT NULL;
    CREATE INDEX blog_posts_author_id_idx ON blog_posts (author_id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE blog_posts');
}
