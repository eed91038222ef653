// Attempts (one per run of a mailing): read-only reports of the mailing's owner, kept (with the mailing's label)
// when the mailing is deleted.
import type { ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { reportOwners } from './report-owners.js';
import { Components } from '../components/index.js';
import { attemptDetailsNote } from './attempt-details.js';
import { ATTEMPT_STATUSES, ATTEMPT_TRIGGERS } from '../../src/models/attempt.js';

export function attemptsResource(ctx: ServiceContext): ResourceWithOptions {
  const owners = reportOwners(ctx, 'attempts');
  const note = attemptDetailsNote(ctx);
  const extend = async (rows: Array<Record<string, unknown>>, detail: boolean): Promise<void> => {
    await owners(rows);
    if (detail) note(rows);
  };
  return {
    resource: new ScopedResource(ctx.db.models.Attempt, 'attempts', { extend }),
    options: {
      id: 'attempts',
      navigation: { name: 'Reports', icon: 'Activity' },
      sort: { sortBy: 'attemptedAt', direction: 'desc' },
      // the label names the mailing even once it is deleted (then mailingId is empty); deliveries show it too
      titleProperty: 'mailingLabel',
      listProperties: ['id', 'mailingLabel', 'attemptedAt', 'status', 'trigger', 'recipientsCount', 'sentCount', 'failedCount'],
      filterProperties: ['mailingId', 'status', 'trigger', 'attemptedAt'],
      showProperties: [
        'id', 'mailingLabel', 'mailingId', 'scheduledFor', 'attemptedAt', 'finishedAt', 'status', 'trigger',
        'recipientsCount', 'sentCount', 'failedCount', 'serverResponse', 'cancelledByName', 'cancelReason', 'deliveryDetails',
        'throttled', 'nextRetryAt', 'deliveries',
      ],
      properties: {
        mailingId: { reference: 'mailings' },
        cancelledById: { reference: 'users' },
        cancelledByName: { type: 'string', isVisible: { list: false, filter: false, show: true, edit: false } },
        status: { availableValues: ATTEMPT_STATUSES.map((s) => ({ value: s, label: s })) },
        trigger: { availableValues: ATTEMPT_TRIGGERS.map((s) => ({ value: s, label: s })) },
        serverResponse: { type: 'textarea' },
        cancelReason: { type: 'textarea' },
        deliveryDetails: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: false } },
        // the run's deliveries, page by page and by status (not a column: the component reads them itself)
        deliveries: { type: 'string', components: { show: Components.AttemptDeliveries }, isVisible: { list: false, filter: false, show: true, edit: false } },
      },
    },
    features: [accessFeature('attempts')],
  };
}
