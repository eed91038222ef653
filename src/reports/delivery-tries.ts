// Each try's server answer of the deliveries that needed more than one (issue 14 point 4, delivery_tries), for a
// delivery's report page: "try 1 (2026-11-25T10:00:00Z) failed: 451 4.7.1 Greylisted".
import { QueryTypes, type Sequelize } from 'sequelize';

export interface TryLine {
  try: number;
  status: string;
  code: number | null;
  response: string | null;
  at: Date;
}

/** The tries of each delivery id, in order (a delivery tried once has none: its one answer is on its row). */
export async function triesOf(sequelize: Sequelize, deliveryIds: ReadonlyArray<number | string>): Promise<Map<string, TryLine[]>> {
  const byDelivery = new Map<string, TryLine[]>();
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await sequelize.query<{ delivery_id: string; try: number; status: string; response_code: number | null; response: string | null; tried_at: Date }>(
    `SELECT delivery_id::text, try, status, response_code, response, tried_at FROM delivery_tries
     WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, try, id`,
    { bind: [deliveryIds.map(String)], type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    const lines = byDelivery.get(row.delivery_id) ?? [];
    lines.push({ try: row.try, status: row.status, code: row.response_code, response: row.response, at: new Date(row.tried_at) });
    byDelivery.set(row.delivery_id, lines);
  }
  return byDelivery;
}

/** One line per try: "try 2 at 2026-11-25T10:05:00.000Z, retrying: 451 Greylisted". */
export function describeTries(lines: readonly TryLine[]): string {
  return lines
    .map((line) => {
      const text = (line.response ?? '').trim();
      const answer = line.code === null || /^\d{3}[ -]/.test(text) ? text : `${line.code} ${text}`.trim();
      return `try ${line.try} at ${line.at.toISOString()}, ${line.status}: ${answer}`;
    })
    .join('\n');
}
