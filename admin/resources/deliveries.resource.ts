// Deliveries (one per recipient per attempt): read-only reports, scoped like their attempts.
import type { ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { reportOwners } from './report-owners.js';
import { DELIVERY_STATUSES, SKIP_REASONS } from '../../src/models/delivery.js';
import { deliveriesOfMailing } from '../../src/reports/deliveries.js';
import { describeTries, triesOf } from '../../src/reports/delivery-tries.js';

export function deliveriesResource(ctx: ServiceContext): ResourceWithOptions {
  const owners = reportOwners(ctx, 'deliveries');
  return {
    resource: new ScopedResource(ctx.db.models.Delivery, 'deliveries', {
      extend: async (rows, detail) => {
        await owners(rows);
        if (!detail) return;
        // each try's answer of a delivery that needed more than one (later retries)
        const tries = await triesOf(ctx.db.sequelize, rows.map((row) => String(row.id)));
        for (const row of rows) row.triesLog = describeTries(tries.get(String(row.id)) ?? []);
      },
      virtualFilters: { mailingId: deliveriesOfMailing },
    }),
    options: {
      id: 'deliveries',
      navigation: { name: 'Reports', icon: 'Activity' },
      sort: { sortBy: 'id', direction: 'desc' },
      listProperties: ['id', 'attemptId', 'email', 'clientName', 'status', 'skipReason', 'responseCode', 'sentAt'],
      filterProperties: ['mailingId', 'attemptId', 'email', 'status', 'skipReason', 'sentAt', 'createdAt'],
      showProperties: ['id', 'attemptId', 'clientName', 'email', 'status', 'skipReason', 'tries', 'responseCode', 'response', 'sentAt', 'retryAt', 'laterTries', 'triesLog', 'updatedAt'],
      properties: {
        mailingId: { type: 'reference', reference: 'mailings', isVisible: { list: false, filter: true, show: false, edit: false } },
        attemptId: { reference: 'attempts' },
        clientId: { reference: 'clients' },
        // the client by name (a manager may not open another user's client; an id would say nothing)
        clientName: { type: 'string', isSortable: false, isVisible: { list: true, filter: false, show: true, edit: false } },
        status: { availableValues: DELIVERY_STATUSES.map((s) => ({ value: s, label: s })) },
        skipReason: { availableValues: SKIP_REASONS.map((s) => ({ value: s, label: s })) },
        response: { type: 'textarea' },
        triesLog: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: false } },
      },
    },
    features: [accessFeature('deliveries')],
  };
}
