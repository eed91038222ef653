// Mailing record actions: disable / enable (managers, superusers) and send now (owner, superuser), via the engine.
import type { ServiceContext } from '../../src/context.js';
import { confirmedAction } from '../features/confirmed-action.js';
import { Components } from '../components/index.js';

export function mailingActions(ctx: ServiceContext) {
  return {
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
  };
}
