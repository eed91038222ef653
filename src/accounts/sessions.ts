// Ending a user's back-office sessions (stored in the `sessions` table): on block, on a password reset, on a
// password change (where the session that made the change stays).
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface EndSessionsOptions {
  /** The session id (`sid`) to keep: the one that changed the password. */
  except?: string;
  transaction?: Transaction;
}

/** Deletes the user's stored sessions, all of them or all but `except`; returns how many ended. */
export async function endSessions(sequelize: Sequelize, userId: number, options: EndSessionsOptions = {}): Promise<number> {
  const result = await sequelize.query(
    `DELETE FROM sessions WHERE sess -> 'adminUser' ->> 'id' = :id AND (CAST(:except AS text) IS NULL OR sid <> :except)`,
    { replacements: { id: String(userId), except: options.except ?? null }, type: QueryTypes.BULKDELETE, transaction: options.transaction },
  );
  // BULKDELETE makes Sequelize answer the number of deleted rows
  return Number(result);
}
