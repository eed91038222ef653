// One run of a mailing: when, what triggered it, how it went, with the mail server's answer.
// It outlives its mailing (mailing_id NULL once deleted): the owner and the mailing's label are kept on it for
// the reports. `cancelled` is a run a person stopped (disable, block, delete): who in cancelledById, why in
// cancelReason; its unsent deliveries are `cancelled` too. `paused`: a person paused it; unfinished, resumed only by
// a person (src/sending/pause.ts). `retrying`: sent what it could, some recipients wait for a later try (issue 14
// point 4, src/sending/later-retries.ts) due at nextRetryAt; unfinished, held by no process meanwhile. At most one
// unfinished (`running`, `paused` or `retrying`) attempt per mailing.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export const ATTEMPT_STATUSES = ['running', 'success', 'failure', 'cancelled', 'paused', 'retrying'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const ATTEMPT_TRIGGERS = ['schedule', 'cli', 'manual'] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

export class Attempt extends Model<InferAttributes<Attempt>, InferCreationAttributes<Attempt>> {
  declare id: CreationOptional<number>;
  /** Null once the mailing was deleted; the reports then use ownerId and mailingLabel. */
  declare mailingId: number | null;
  /** The mailing's owner, filled from the mailing on insert (database trigger). */
  declare ownerId: CreationOptional<number>;
  /** "Mailing #12: <message subject>" when the attempt was opened (database trigger). */
  declare mailingLabel: CreationOptional<string>;
  /** The run this attempt makes; unique per mailing, so a run is made once. */
  declare scheduledFor: Date;
  declare attemptedAt: CreationOptional<Date>;
  declare finishedAt: CreationOptional<Date | null>;
  declare status: CreationOptional<AttemptStatus>;
  declare trigger: AttemptTrigger;
  declare serverResponse: CreationOptional<string | null>;
  declare recipientsCount: CreationOptional<number>;
  declare sentCount: CreationOptional<number>;
  declare failedCount: CreationOptional<number>;
  declare cancelledById: CreationOptional<number | null>;
  declare cancelReason: CreationOptional<string | null>;
  /** When the retention job deleted this run's deliveries (null while they are kept). */
  declare detailsPrunedAt: CreationOptional<Date | null>;
  /** True when the service-wide send-rate limit (SEND_RATE) made the run wait. */
  declare throttled: CreationOptional<boolean>;
  /** While `retrying`: when its next later try is due (or the mailing's end, when that comes first). */
  declare nextRetryAt: CreationOptional<Date | null>;
  declare lockedBy: CreationOptional<string | null>;
  declare lockedUntil: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initAttempt(sequelize: Sequelize): typeof Attempt {
  Attempt.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      mailingId: { type: DataTypes.INTEGER, allowNull: true },
      // filled by the attempts_fill_from_mailing trigger when not given
      ownerId: { type: DataTypes.INTEGER, allowNull: true },
      mailingLabel: { type: DataTypes.STRING(300), allowNull: true },
      scheduledFor: { type: DataTypes.DATE, allowNull: false },
      attemptedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      finishedAt: { type: DataTypes.DATE, allowNull: true },
      status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'running' },
      trigger: { type: DataTypes.STRING(10), allowNull: false },
      serverResponse: { type: DataTypes.TEXT, allowNull: true },
      recipientsCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      sentCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      failedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      cancelledById: { type: DataTypes.INTEGER, allowNull: true },
      cancelReason: { type: DataTypes.TEXT, allowNull: true },
      detailsPrunedAt: { type: DataTypes.DATE, allowNull: true },
      throttled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      nextRetryAt: { type: DataTypes.DATE, allowNull: true },
      lockedBy: { type: DataTypes.STRING(100), allowNull: true },
      lockedUntil: { type: DataTypes.DATE, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'attempts', modelName: 'Attempt' },
  );
  return Attempt;
}
