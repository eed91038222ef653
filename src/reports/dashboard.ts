// The back office's dashboard figures for one person, scoped by the access policy: a user sees their own
// mailings and sends, a manager (mailing.view_all) sees everyone's.
import { Op, fn, col, type WhereOptions } from 'sequelize';
import type { Models } from '../models/index.js';
import { can, hasPermission, scope, type Actor } from '../access/policy.js';
import { PERMISSIONS } from '../access/permissions.js';
import { MAILING_STATUSES } from '../models/mailing.js';

const DAY_MS = 24 * 3600_000;

export interface DashboardAttempt {
  id: number;
  /** Null once the mailing was deleted (the label stays). */
  mailingId: number | null;
  /** The mailing's name today (after a rename too); the label kept on the attempt once the mailing is deleted. */
  mailingLabel: string;
  attemptedAt: string;
  status: string;
  trigger: string;
  recipients: number;
  sent: number;
  failed: number;
  serverResponse: string | null;
}

export interface Dashboard {
  /** Whose data the figures cover. */
  coverage: 'own' | 'all' | 'none';
  mailingsByStatus: Record<string, number>;
  disabledMailings: number;
  lastDays: number;
  sentLastDays: number;
  failedLastDays: number;
  latestAttempts: DashboardAttempt[];
}

export async function dashboardFor(
  models: Pick<Models, 'Mailing' | 'Attempt' | 'Delivery'>,
  actor: Actor | undefined,
  options: { now?: Date; days?: number; attempts?: number } = {},
): Promise<Dashboard> {
  const days = options.days ?? 30;
  const since = new Date((options.now ?? new Date()).getTime() - days * DAY_MS);
  const empty: Dashboard = { coverage: 'none', mailingsByStatus: {}, disabledMailings: 0, lastDays: days, sentLastDays: 0, failedLastDays: 0, latestAttempts: [] };
  if (!actor || !can(actor, 'list', 'mailings')) return empty;

  const mailings = scope(actor, 'mailings');
  const attempts = scope(actor, 'attempts');
  const deliveries = scope(actor, 'deliveries');
  const and = (...parts: WhereOptions[]): WhereOptions => ({ [Op.and]: parts }) as WhereOptions;

  const [byStatus, disabled, sent, failed, latest] = await Promise.all([
    models.Mailing.findAll({
      where: mailings,
      attributes: ['status', [fn('count', col('id')), 'count']],
      group: ['status'],
      raw: true,
    }) as unknown as Promise<Array<{ status: string; count: string }>>,
    models.Mailing.count({ where: and(mailings, { disabledAt: { [Op.ne]: null } }) }),
    models.Delivery.count({ where: and(deliveries, { status: 'sent', sentAt: { [Op.gte]: since } }) }),
    models.Delivery.count({ where: and(deliveries, { status: 'failed', updatedAt: { [Op.gte]: since } }) }),
    models.Attempt.findAll({
      where: attempts,
      include: [{ model: models.Mailing, as: 'mailing', attributes: ['name'], required: false }],
      order: [['attemptedAt', 'DESC'], ['id', 'DESC']],
      limit: options.attempts ?? 10,
    }),
  ]);

  const mailingsByStatus: Record<string, number> = Object.fromEntries(MAILING_STATUSES.map((status) => [status, 0]));
  for (const row of byStatus) mailingsByStatus[row.status] = Number(row.count);

  return {
    coverage: actor.isSuperuser || hasPermission(actor, PERMISSIONS.mailing.viewAll) ? 'all' : 'own',
    mailingsByStatus,
    disabledMailings: disabled,
    lastDays: days,
    sentLastDays: sent,
    failedLastDays: failed,
    latestAttempts: latest.map((a) => ({
      id: a.id,
      mailingId: a.mailingId,
      mailingLabel: (a as unknown as { mailing?: { name: string } | null }).mailing?.name ?? a.mailingLabel,
      attemptedAt: a.attemptedAt.toISOString(),
      status: a.status,
      trigger: a.trigger,
      recipients: a.recipientsCount,
      sent: a.sentCount,
      failed: a.failedCount,
      serverResponse: a.serverResponse,
    })),
  };
}
