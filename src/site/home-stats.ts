// The landing page's figures: how many mailings exist, how many are active, how many distinct people they reach.
import { QueryTypes } from 'sequelize';
import type { Models } from '../models/index.js';

export interface HomeStats {
  totalMailings: number;
  /** Running and not disabled. */
  activeMailings: number;
  /** Distinct e-mail addresses (case-insensitive) of clients that are in at least one mailing. */
  uniqueClients: number;
}

/** One round trip: the three counts come from one statement so they describe the same moment. */
export async function homeStats(models: Pick<Models, 'sequelize'>): Promise<HomeStats> {
  const [row] = await models.sequelize.query<HomeStats>(
    `SELECT
       (SELECT count(*) FROM mailings)::int AS "totalMailings",
       (SELECT count(*) FROM mailings WHERE status = 'running' AND disabled_at IS NULL)::int AS "activeMailings",
       (SELECT count(DISTINCT lower(c.email))
          FROM clients c
         WHERE EXISTS (SELECT 1 FROM mailing_clients mc WHERE mc.client_id = c.id))::int AS "uniqueClients"`,
    { type: QueryTypes.SELECT },
  );
  return { totalMailings: row?.totalMailings ?? 0, activeMailings: row?.activeMailings ?? 0, uniqueClients: row?.uniqueClients ?? 0 };
}
