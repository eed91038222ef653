// Every custom action of the back office has a word for its button and, when it asks before acting, a question
// and a done notice of its own resource, in English and in Russian (else the screen shows "sendNow" or falls back
// to the English question on a Russian screen).
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';
import { translations } from '../../admin/locale/index.js';

const ADMINJS_ACTIONS = new Set(['new', 'edit', 'show', 'delete', 'bulkDelete', 'list', 'search']);

interface ActionState {
  name: string;
  isVisible: boolean;
  custom?: { question?: string };
}

describe('the words of the custom actions', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when the back office lists its actions, then each custom action has its button word, and each asking action its question and done notice under its own resource, in both languages', async () => {
    await buildWorld(db());
    const page = await (await loggedIn(app().url, 'admin@example.test')).get('/admin');
    const resources = (JSON.parse(page.text.match(/window\.REDUX_STATE = (.*);\n/)![1]!) as { resources: Array<{ id: string; resourceActions: ActionState[]; actions: ActionState[] }> }).resources;

    const missing: string[] = [];
    const seen: string[] = [];
    for (const resource of resources) {
      for (const action of resource.actions.filter((a) => !ADMINJS_ACTIONS.has(a.name))) {
        seen.push(`${resource.id}.${action.name}`);
        for (const [language, catalogue] of Object.entries(translations)) {
          const words = catalogue as unknown as { actions: Record<string, string>; resources: Record<string, { messages?: Record<string, string> }> };
          if (action.isVisible && typeof words.actions[action.name] !== 'string') missing.push(`${language}: actions.${action.name}`);
          if (action.custom?.question) {
            for (const suffix of ['Confirm', 'Done']) {
              if (typeof words.resources[resource.id]?.messages?.[`${action.name}${suffix}`] !== 'string') missing.push(`${language}: resources.${resource.id}.messages.${action.name}${suffix}`);
            }
          }
        }
      }
    }

    expect(seen).to.include.members(['mailings.sendNow', 'mailings.disable', 'mailings.enable', 'mailings.pauseRun', 'mailings.resumeRun', 'mailings.cancelRun', 'users.block', 'users.unblock', 'clients.clearBounce', 'clients.importClients', 'clients.exportClients', 'messages.preview']);
    expect(missing).to.deep.equal([]);
  });
});
