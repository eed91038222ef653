// Attempts and deliveries belong to the attempt's owner (kept when the mailing is deleted): the policy's record
// checks need that owner id. The same query names the people a report refers to (who stopped a run, a delivery's
// client), so the screens show names, not ids, also to a manager who may not open those records.
import { QueryTypes } from 'sequelize';
import type { ServiceContext } from '../../src/context.js';
import { personName } from '../../src/reports/names.js';

interface OwnerRow {
  id: string | number;
  ownerId: number;
  fullName: string | null;
  email: string | null;
}

export function reportOwners(ctx: ServiceContext, resource: 'attempts' | 'deliveries') {
  const sql =
    resource === 'attempts'
      ? `SELECT a.id, a.owner_id AS "ownerId", u.full_name AS "fullName", u.email
           FROM attempts a LEFT JOIN users u ON u.id = a.cancelled_by_id WHERE a.id IN (:ids)`
      : `SELECT d.id, a.owner_id AS "ownerId", c.full_name AS "fullName", c.email
           FROM deliveries d JOIN attempts a ON a.id = d.attempt_id LEFT JOIN clients c ON c.id = d.client_id WHERE d.id IN (:ids)`;
  const nameField = resource === 'attempts' ? 'cancelledByName' : 'clientName';
  return async (rows: Array<Record<string, unknown>>): Promise<void> => {
    const owners = await ctx.db.sequelize.query<OwnerRow>(sql, {
      replacements: { ids: rows.map((row) => Number(row.id)) },
      type: QueryTypes.SELECT,
    });
    const byId = new Map(owners.map((o) => [String(o.id), o]));
    for (const row of rows) {
      const found = byId.get(String(row.id));
      row.ownerId = found?.ownerId ?? null;
      row[nameField] = found?.email ? personName(found.fullName, found.email) : null;
    }
  };
}
