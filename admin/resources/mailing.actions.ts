// Mailing record actions: disable / enable (managers, superusers), send now (owner, superuser), pause / resume /
// cancel the run under way (owner, managers), via the engine;
// and the picker's read of the chosen clients' labels.
import type { ActionContext, ActionRequest } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { mailingRecipients } from '../../src/mailings/recipients.js';
import { cancelRun, pauseRun, resumeRun } from '../../src/sending/pause.js';
import { confirmedAction } from '../features/confirmed-action.js';
import { allowed } from '../features/access.feature.js';
import { Components } from '../components/index.js';

export function mailingActions(ctx: ServiceContext) {
  const recipients = mailingRecipients(ctx.db.sequelize);
  const mayShow = allowed('mailings', 'show');
  return {
    // the client picker names every chosen client in ONE answer (not one request per id); the record was found
    // through the scope, so only someone who may see the mailing gets here
    recipients: {
      actionType: 'record',
      isAccessible: mayShow,
      isVisible: false,
      showInDrawer: false,
      handler: async (_request: ActionRequest, _response: unknown, context: ActionContext) => {
        const { record, currentAdmin } = context;
        if (!record) throw new Error('a record action without a record');
        return { record: record.toJSON(currentAdmin), recipients: await recipients.labelled(Number(record.id())) };
      },
    },
    disable: confirmedAction({
      resource: 'mailings', action: 'disable', icon: 'Slash', component: Components.ConfirmAction,
      question: 'Disable this mailing? It sends nothing until it is enabled again.',
      done: 'The mailing is disabled.',
      run: (actor, id) => ctx.mailings.disable(actor, id),
    }),
    enable: confirmedAction({
      resource: 'mailings', action: 'enable', icon: 'Play', component: Components.ConfirmAction,
      question: 'Enable this mailing again?',
      done: 'The mailing is enabled.',
      run: (actor, id) => ctx.mailings.enable(actor, id),
    }),
    sendNow: confirmedAction({
      resource: 'mailings', action: 'sendNow', icon: 'Send', component: Components.ConfirmAction,
      question: 'Send this mailing to all its clients now?',
      done: 'Sending started: the attempt shows under Reports.',
      run: (actor, id) => ctx.mailings.sendNow(actor, id),
    }),
    // the run under way (issue 14): its owner, or a manager for any mailing (src/access/policy.ts)
    pauseRun: confirmedAction({
      resource: 'mailings', action: 'pauseRun', icon: 'Pause', component: Components.ConfirmAction,
      question: 'Pause the run that is sending? What is not sent yet waits until you resume it.',
      done: 'The run is paused.',
      run: (actor, id) => pauseRun(ctx.db.sequelize, actor, id),
    }),
    resumeRun: confirmedAction({
      resource: 'mailings', action: 'resumeRun', icon: 'PlayCircle', component: Components.ConfirmAction,
      question: 'Resume the paused run? The recipients not reached yet get the mail.',
      done: 'The run is resumed: sending continues within 10 seconds.',
      run: (actor, id) => resumeRun(ctx.db.sequelize, actor, id),
    }),
    cancelRun: confirmedAction({
      resource: 'mailings', action: 'cancelRun', icon: 'XCircle', component: Components.ConfirmAction,
      question: 'Cancel the unfinished run? The recipients not reached yet will not get the mail in this run.',
      done: 'The run is cancelled.',
      run: (actor, id) => cancelRun(ctx.db.sequelize, actor, id),
    }),
  };
}
