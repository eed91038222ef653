// A mailing: one message to many clients, from start to end, once per period (or a single time: `once`).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export const PERIODICITIES = ['once', 'daily', 'weekly', 'monthly'] as const;
export type Periodicity = (typeof PERIODICITIES)[number];

export const MAILING_STATUSES = ['created', 'running', 'completed'] as const;
export type MailingStatus = (typeof MAILING_STATUSES)[number];

/** The dates a mailing may start and end between (UTC): anything else is a typing error, not a plan. */
export const MAILING_DATE_RANGE = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') } as const;

/** The problem with a start or end date, or undefined when it is in MAILING_DATE_RANGE. */
export function mailingDateProblem(date: Date): string | undefined {
  const { from, to } = MAILING_DATE_RANGE;
  if (date.getTime() >= from.getTime() && date.getTime() < to.getTime()) return undefined;
  return `Choose a date from ${from.toISOString().slice(0, 10)} to ${new Date(to.getTime() - 1).toISOString().slice(0, 10)}`;
}

function inRange(value: unknown): void {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  const problem = date && !Number.isNaN(date.getTime()) ? mailingDateProblem(date) : undefined;
  if (problem) throw new Error(problem);
}

export const MAILING_PERMISSIONS = {
  viewAll: 'mailing.view_all',
  disable: 'mailing.disable',
} as const;

export class Mailing extends Model<InferAttributes<Mailing>, InferCreationAttributes<Mailing>> {
  declare id: CreationOptional<number>;
  declare ownerId: number;
  declare messageId: number;
  /** What people call it; shown wherever the mailing is referred to. Left out, the database names it after its message's subject. */
  declare name: CreationOptional<string>;
  declare startAt: Date;
  /** Null only for `once`, which needs no end. */
  declare endAt: Date | null;
  declare periodicity: Periodicity;
  declare status: CreationOptional<MailingStatus>;
  declare disabledAt: CreationOptional<Date | null>;
  declare disabledById: CreationOptional<number | null>;
  declare nextRunAt: CreationOptional<Date | null>;
  declare lastRunAt: CreationOptional<Date | null>;
  /** Every client of the owner when a run starts (besides the chosen clients and tags). */
  declare audienceAll: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initMailing(sequelize: Sequelize): typeof Mailing {
  Mailing.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ownerId: { type: DataTypes.INTEGER, allowNull: false },
      messageId: { type: DataTypes.INTEGER, allowNull: false },
      // allowNull here only lets an insert leave it out: the database fills it (trigger) and refuses NULL
      name: { type: DataTypes.STRING(200), allowNull: true, validate: { notEmpty: { msg: 'A mailing needs a name' } } },
      startAt: { type: DataTypes.DATE, allowNull: false, validate: { inRange } },
      endAt: { type: DataTypes.DATE, allowNull: true, validate: { inRange } },
      periodicity: {
        type: DataTypes.STRING(10),
        allowNull: false,
        validate: { isIn: { args: [PERIODICITIES as unknown as string[]], msg: 'Periodicity must be once, daily, weekly or monthly' } },
      },
      status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'created', validate: { isIn: [MAILING_STATUSES as unknown as string[]] } },
      disabledAt: { type: DataTypes.DATE, allowNull: true },
      disabledById: { type: DataTypes.INTEGER, allowNull: true },
      nextRunAt: { type: DataTypes.DATE, allowNull: true },
      lastRunAt: { type: DataTypes.DATE, allowNull: true },
      audienceAll: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    {
      sequelize,
      tableName: 'mailings',
      modelName: 'Mailing',
      validate: {
        endUnlessOnce(this: Mailing) {
          // only when both are known: a partial update (disable) carries neither
          if (this.endAt === null && this.periodicity !== undefined && this.periodicity !== 'once') throw new Error('Enter when the mailing ends');
        },
        endAfterStart(this: Mailing) {
          if (this.startAt && this.endAt && new Date(this.endAt).getTime() <= new Date(this.startAt).getTime()) {
            throw new Error('The end must be after the start');
          }
        },
      },
    },
  );
  return Mailing;
}
