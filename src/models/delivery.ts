// One recipient of one attempt: what the mail server answered and when it was sent. `cancelled`: not sent because
// the run was stopped (its attempt says by whom and why). `unknown`: the message was sent but the server's answer to
// the end of DATA never came or was garbage; it may have been accepted, so it is not sent again. `skipped`: in the
// run's snapshot but not sent to, for `skipReason` (the client unsubscribed from its owner, or its address bounced).
// `retrying`: a temporary failure (or not tried, the server being dead) waiting for a later try of its run at
// `retryAt`; `laterTries` counts the later tries made. Each try's answer of a delivery that needed more than one is
// kept in delivery_tries (src/sending/later-retries.ts).
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled', 'unknown', 'skipped', 'retrying'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Why a delivery is `skipped`. */
export const SKIP_REASONS = ['unsubscribed', 'bounced'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export class Delivery extends Model<InferAttributes<Delivery>, InferCreationAttributes<Delivery>> {
  declare id: CreationOptional<number>;
  declare attemptId: number;
  declare clientId: number | null;
  declare email: string;
  declare status: CreationOptional<DeliveryStatus>;
  declare tries: CreationOptional<number>;
  declare responseCode: CreationOptional<number | null>;
  declare response: CreationOptional<string | null>;
  declare sentAt: CreationOptional<Date | null>;
  declare skipReason: CreationOptional<SkipReason | null>;
  declare retryAt: CreationOptional<Date | null>;
  declare laterTries: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initDelivery(sequelize: Sequelize): typeof Delivery {
  Delivery.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      attemptId: { type: DataTypes.INTEGER, allowNull: false },
      clientId: { type: DataTypes.INTEGER, allowNull: true },
      email: { type: DataTypes.STRING(254), allowNull: false },
      status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'pending' },
      tries: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      responseCode: { type: DataTypes.INTEGER, allowNull: true },
      response: { type: DataTypes.TEXT, allowNull: true },
      sentAt: { type: DataTypes.DATE, allowNull: true },
      skipReason: { type: DataTypes.STRING(20), allowNull: true },
      retryAt: { type: DataTypes.DATE, allowNull: true },
      laterTries: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'deliveries', modelName: 'Delivery' },
  );
  return Delivery;
}
