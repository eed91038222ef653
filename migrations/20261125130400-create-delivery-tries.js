// Each try's server answer of a delivery that needed more than one (issue 14 point 4). A delivery sent or refused
// at its first try has its one answer on its own row and none here. The rows go with their delivery (ON DELETE
// CASCADE): the retention job's deletions take them too.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE delivery_tries (
      id bigserial PRIMARY KEY,
      delivery_id bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
      try integer NOT NULL,
      status varchar(10) NOT NULL,
      response_code integer,
      response text,
      tried_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX delivery_tries_delivery ON delivery_tries (delivery_id, try);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE delivery_tries;');
}
