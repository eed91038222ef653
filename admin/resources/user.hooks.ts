// Keeps passwords out of responses, and ends a user's other sessions once their password was changed.
import type { ActionContext, ActionRequest, ActionResponse, After } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { endSessions } from '../../src/accounts/sessions.js';

const SECRET_PARAMS = ['password', 'passwordHash'];

export async function withoutPassword(response: ActionResponse): Promise<ActionResponse> {
  const params = response.record?.params as Record<string, unknown> | undefined;
  if (params) for (const key of SECRET_PARAMS) delete params[key];
  return response;
}

/**
 * After a saved edit that set a new password: whoever knew the old one is logged out everywhere, except the
 * session that made the change (the person keeps working; editing someone else's password ends all of theirs).
 */
export function endOtherSessionsOnPasswordChange(ctx: ServiceContext): After<ActionResponse> {
  return async (response: ActionResponse, request: ActionRequest, _context: ActionContext) => {
    const password = (request.payload as Record<string, unknown> | undefined)?.password;
    const saved = request.method === 'post' && response.notice?.type === 'success';
    if (!saved || typeof password !== 'string' || password === '') return response;
    const userId = Number(request.params.recordId);
    const sessionId = (request as ActionRequest & { sessionID?: string }).sessionID;
    await endSessions(ctx.db.sequelize, userId, { except: sessionId });
    return response;
  };
}
