// Attempts (one per run of a mailing): read-only reports, scoped like their mailings.
import type { ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { reportOwners } from './report-owners.js';

export function attemptsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Attempt, 'attempts', { extend: reportOwners(ctx, 'attempts') }),
    options: {
      id: 'attempts',
      navigation: { name: 'Reports', icon: 'Activity' },
      sort: { sortBy: 'attemptedAt', direction: 'desc' },
      listProperties: ['id', 'mailingId', 'attemptedAt', 'status', 'trigger', 'recipientsCount', 'sentCount', 'failedCount'],
      filterProperties: ['mailingId', 'status', 'trigger', 'attemptedAt'],
      showProperties: ['id', 'mailingId', 'scheduledFor', 'attemptedAt', 'finishedAt', 'status', 'trigger', 'recipientsCount', 'sentCount', 'failedCount', 'serverResponse'],
      properties: {
        mailingId: { reference: 'mailings' },
        status: { availableValues: ['running', 'success', 'failure'].map((s) => ({ value: s, label: s })) },
        trigger: { availableValues: ['schedule', 'cli', 'manual'].map((s) => ({ value: s, label: s })) },
        serverResponse: { type: 'textarea' },
      },
    },
    features: [accessFeature('attempts')],
  };
}
