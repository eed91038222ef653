// Attempts and deliveries belong to the attempt's owner (kept when the mailing is deleted): the policy's record
// checks need that owner id.
import { QueryTypes } from 'sequelize';
import type { ServiceContext } from '../../src/context.js';

export function reportOwners(ctx: ServiceContext, resource: 'attempts' | 'deliveries') {
  const sql =
    resource === 'attempts'
      ? 'SELECT a.id, a.owner_id AS "ownerId" FROM attempts a WHERE a.id IN (:ids)'
      : 'SELECT d.id, a.owner_id AS "ownerId" FROM deliveries d JOIN attempts a ON a.id = d.attempt_id WHERE d.id IN (:ids)';
  return async (rows: Array<Record<string, unknown>>): Promise<void> => {
    const owners = await ctx.db.sequelize.query<{ id: string | number; ownerId: number }>(sql, {
      replacements: { ids: rows.map((row) => Number(row.id)) },
      type: QueryTypes.SELECT,
    });
    const byId = new Map(owners.map((o) => [String(o.id), o.ownerId]));
    for (const row of rows) row.ownerId = byId.get(String(row.id)) ?? null;
  };
}
