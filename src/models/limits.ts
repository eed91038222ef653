// Length limits of the text a person types, the same as the columns' sizes, checked with a message on the field
// before the database would refuse the row.

/** The largest id of an integer column (PostgreSQL `integer`): a larger one names no row. */
export const MAX_INTEGER_ID = 2147483647;

/** A Sequelize `len` validator for a varchar(max) column: "<What> is at most <max> characters". */
export function maxLength(what: string, max: number): { len: { args: [number, number]; msg: string } } {
  return { len: { args: [0, max], msg: `${what} is at most ${max} characters` } };
}
