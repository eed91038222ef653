// Hard bounces on clients: the engine marks them (src/sending, with the server's answer); the owner clears a mark
// once the address is fixed or the server mended, and the next run sends to the client again.
import { Op, QueryTypes, type Sequelize, type WhereOptions } from 'sequelize';
import { assertCan, scope, type Actor } from '../access/policy.js';
import { NotFoundError } from '../errors.js';
import { dataChanged } from '../events.js';
import type { Models } from '../models/index.js';

/** Clears the bounce mark of a client the actor may edit; a client of another owner is "not found". */
export async function clearBounce(models: Pick<Models, 'Client' | 'sequelize'>, actor: Actor, clientId: number): Promise<void> {
  const client = await models.Client.findOne({ where: { [Op.and]: [{ id: clientId }, scope(actor, 'clients')] } as WhereOptions, attributes: ['id', 'ownerId', 'bouncedAt'] });
  if (!client) throw new NotFoundError(`There is no client with id ${clientId}.`);
  assertCan(actor, 'clearBounce', 'clients', { id: client.id, ownerId: client.ownerId, bouncedAt: client.bouncedAt });
  await models.Client.update({ bouncedAt: null, bounceResponse: null }, { where: { id: client.id } });
  dataChanged('client');
}

/**
 * Marks the clients of the given deliveries as bounced, with each server answer; a client marked already keeps its
 * first mark. One statement for a whole group of results.
 */
export async function markBounced(sequelize: Sequelize, bounces: ReadonlyArray<{ deliveryId: string; response: string }>): Promise<number> {
  if (bounces.length === 0) return 0;
  const rows = await sequelize.query<{ id: number }>(
    `UPDATE clients c SET bounced_at = now(), bounce_response = v.response, updated_at = now()
     FROM deliveries d JOIN unnest($1::bigint[], $2::text[]) AS v(id, response) ON d.id = v.id
     WHERE c.id = d.client_id AND c.bounced_at IS NULL
     RETURNING c.id`,
    { bind: [bounces.map((b) => b.deliveryId), bounces.map((b) => b.response)], type: QueryTypes.SELECT },
  );
  return rows.length;
}
