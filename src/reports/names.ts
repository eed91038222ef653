// What the screens name a record's references by, instead of their ids: a mailing's message subject and owner,
// read for a whole page of mailings in one query (whoever may see the mailing sees these names, even when the
// message or the owner's profile is not theirs to open).
import { QueryTypes, type Sequelize } from 'sequelize';

export interface MailingNames {
  messageSubject: string | null;
  /** The owner as people know them: "Full Name <e-mail>", or the e-mail alone when no name is given. */
  owner: string;
}

export function personName(fullName: string | null | undefined, email: string): string {
  const name = (fullName ?? '').trim();
  return name ? `${name} <${email}>` : email;
}

export async function mailingNames(sequelize: Sequelize, mailingIds: number[]): Promise<Map<number, MailingNames>> {
  if (mailingIds.length === 0) return new Map();
  const rows = await sequelize.query<{ id: number; subject: string | null; email: string; full_name: string | null }>(
    `SELECT g.id, m.subject, u.email, u.full_name
       FROM mailings g JOIN users u ON u.id = g.owner_id LEFT JOIN messages m ON m.id = g.message_id
      WHERE g.id = ANY($1::int[])`,
    { bind: [mailingIds], type: QueryTypes.SELECT },
  );
  return new Map(rows.map((row) => [Number(row.id), { messageSubject: row.subject, owner: personName(row.full_name, row.email) }]));
}
