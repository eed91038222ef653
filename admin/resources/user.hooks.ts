// Keeps passwords out of responses: AdminJS echoes the submitted form in the saved record, password included.
import type { ActionResponse } from 'adminjs';

const SECRET_PARAMS = ['password', 'passwordHash'];

export async function withoutPassword(response: ActionResponse): Promise<ActionResponse> {
  const params = response.record?.params as Record<string, unknown> | undefined;
  if (params) for (const key of SECRET_PARAMS) delete params[key];
  return response;
}
