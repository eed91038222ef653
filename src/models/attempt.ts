// One run of a mailing: when, what triggered it, how it went, with the mail server's answer.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export const ATTEMPT_STATUSES = ['running', 'success', 'failure'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const ATTEMPT_TRIGGERS = ['schedule', 'cli', 'manual'] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

export class Attempt extends Model<InferAttributes<Attempt>, InferCreationAttributes<Attempt>> {
  declare id: CreationOptional<number>;
  declare mailingId: number;
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
  declare lockedBy: CreationOptional<string | null>;
  declare lockedUntil: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initAttempt(sequelize: Sequelize): typeof Attempt {
  Attempt.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      mailingId: { type: DataTypes.INTEGER, allowNull: false },
      scheduledFor: { type: DataTypes.DATE, allowNull: false },
      attemptedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      finishedAt: { type: DataTypes.DATE, allowNull: true },
      status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'running' },
      trigger: { type: DataTypes.STRING(10), allowNull: false },
      serverResponse: { type: DataTypes.TEXT, allowNull: true },
      recipientsCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      sentCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      failedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lockedBy: { type: DataTypes.STRING(100), allowNull: true },
      lockedUntil: { type: DataTypes.DATE, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'attempts', modelName: 'Attempt' },
  );
  return Attempt;
}
