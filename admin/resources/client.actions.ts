// Client record actions: clear a hard-bounce mark (the owner, through the audience domain).
import type { ServiceContext } from '../../src/context.js';
import { clearBounce } from '../../src/audience/bounced-clients.js';
import { confirmedAction } from '../features/confirmed-action.js';
import { Components } from '../components/index.js';

export function clientActions(ctx: ServiceContext) {
  return {
    clearBounce: confirmedAction({
      resource: 'clients', action: 'clearBounce', icon: 'RotateCcw', component: Components.ConfirmAction,
      question: 'Clear the bounce mark? The next runs send to this address again; do it once the address is fixed.',
      done: 'The bounce mark is cleared.',
      run: (actor, id) => clearBounce(ctx.db.models, actor, id),
    }),
  };
}
