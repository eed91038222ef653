// Mailings: one message (picker of own messages) to many clients (our own picker over clientIds), with the
// engine doing the validation and scheduling; managers list, show, disable and enable.
import type { ResourceOptions, ResourceWithOptions } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { MAILING_STATUSES, PERIODICITIES } from '../../src/models/mailing.js';
import { STATUS_WORDS } from '../../src/mailings/status-word.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { ownerProperty } from '../features/owner.js';
import { Components } from '../components/index.js';
import { MAILING_FIELDS, mailingBehaviour } from './mailing.behaviour.js';
import { mailingActions } from './mailing.actions.js';

const readOnly = { isVisible: { list: false, filter: false, show: true, edit: false } };

export function mailingsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.Mailing, 'mailings', mailingBehaviour(ctx)),
    options: {
      id: 'mailings',
      navigation: { name: 'Mailings', icon: 'Mail' },
      // a mailing is named everywhere by its name (pickers, references, reports), never by a bare id
      titleProperty: 'name',
      // the message and the owner by name (a manager may not open either; an id would say nothing)
      listProperties: ['id', 'name', 'messageSubject', 'ownerName', 'recipientsCount', 'state', 'startAt', 'endAt', 'periodicity', 'nextRunAt', 'disabledAt'],
      filterProperties: ['name', 'messageId', 'status', 'periodicity', 'startAt', 'endAt', 'ownerId'],
      editProperties: ['editNote', ...MAILING_FIELDS],
      showProperties: [
        'name', 'id', 'ownerName', 'messageSubject', 'audienceNow', 'audienceAll', 'tags', 'recipients', 'state', 'periodicity', 'startAt', 'endAt',
        'nextRuns', 'lastRunAt', 'disabledAt', 'disabledById', 'latestAttempts', 'liveProgress',
      ],
      properties: {
        ...ownerProperty,
        ownerId: { ...ownerProperty.ownerId, isVisible: { list: false, filter: true, show: true, edit: false } },
        // the edit screen says what saving does (and does not do): spec rule 1
        editNote: { type: 'string', position: 0, components: { edit: Components.EditNote }, custom: { message: 'editChangesFutureRunsOnly' }, isVisible: { list: false, filter: false, show: false, edit: true } },
        name: { isRequired: true, position: 0.5, isTitle: true },
        // the one word that is always true (scheduled / sending / running / paused by a manager / completed)
        state: { type: 'string', isSortable: false, isVisible: { list: true, filter: false, show: true, edit: false }, availableValues: STATUS_WORDS.map((s) => ({ value: s, label: s })) },
        nextRuns: { ...readOnly, type: 'textarea' },
        messageId: { type: 'reference', reference: 'messages', isRequired: true, position: 1 },
        // NOT a reference: AdminJS would populate it record by record (quadratic in the number of ids); our picker
        // reads and writes it as one value, "12,15,20"
        // the audience: all the owner's clients, clients with chosen tags, chosen clients, or any mix of them
        audienceAll: { type: 'boolean', isRequired: false, position: 2, isVisible: { list: false, filter: false, show: true, edit: true } },
        tagIds: {
          type: 'string',
          position: 3,
          components: { edit: Components.TagPicker },
          isVisible: { list: false, filter: false, show: false, edit: true },
        },
        tags: { ...readOnly, type: 'string' },
        tagNames: { isVisible: false },
        audienceNow: { ...readOnly, type: 'number' },
        clientIds: {
          type: 'string',
          isRequired: false,
          position: 4,
          components: { edit: Components.ClientPicker },
          custom: { reference: 'clients' },
          isVisible: { list: false, filter: false, show: false, edit: true },
        },
        recipientsCount: { type: 'number', isSortable: false, isVisible: { list: true, filter: false, show: false, edit: false } },
        startAt: { type: 'datetime', isRequired: true, position: 5 },
        // not required: a `once` mailing has none (the engine asks for it for the others)
        endAt: { type: 'datetime', position: 6 },
        periodicity: { isRequired: true, position: 7, availableValues: PERIODICITIES.map((p) => ({ value: p, label: p })) },
        status: { isVisible: { list: false, filter: true, show: false, edit: false }, availableValues: MAILING_STATUSES.map((s) => ({ value: s, label: s })) },
        disabledById: { ...readOnly, reference: 'users' },
        messageSubject: { type: 'string', isSortable: false, isVisible: { list: true, filter: false, show: true, edit: false } },
        ownerName: { type: 'string', isSortable: false, isVisible: { list: true, filter: false, show: true, edit: false } },
        recipients: { ...readOnly, type: 'textarea' },
        latestAttempts: { ...readOnly, type: 'textarea' },
        // the run going on now, updating by itself (nothing shown when none is)
        liveProgress: { ...readOnly, type: 'string', components: { show: Components.LiveProgress } },
        nextRunAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
        lastRunAt: readOnly,
        disabledAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
      },
      actions: mailingActions(ctx) as ResourceOptions['actions'],
    },
    features: [accessFeature('mailings')],
  };
}
