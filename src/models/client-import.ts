// A CSV import of clients: pending between its preview and its confirmation, done with its counts after.
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export const IMPORT_STATUSES = ['pending', 'done'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const DUPLICATE_CHOICES = ['update', 'skip'] as const;
export type DuplicateChoice = (typeof DUPLICATE_CHOICES)[number];
export const IMPORT_FIELDS = ['email', 'fullName', 'comment', 'tags'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Which column (0-based) of the file holds each field; email is required. */
export type ImportMapping = Partial<Record<ImportField, number>>;

export class ClientImport extends Model<InferAttributes<ClientImport>, InferCreationAttributes<ClientImport>> {
  declare id: CreationOptional<number>;
  declare ownerId: number;
  declare fileName: string;
  declare filePath: string;
  declare sizeBytes: number;
  declare encoding: string;
  declare delimiter: string;
  declare status: CreationOptional<ImportStatus>;
  declare mapping: CreationOptional<ImportMapping | null>;
  declare onDuplicate: CreationOptional<DuplicateChoice | null>;
  declare startedAt: CreationOptional<Date | null>;
  declare finishedAt: CreationOptional<Date | null>;
  declare added: CreationOptional<number>;
  declare updated: CreationOptional<number>;
  declare skipped: CreationOptional<number>;
  declare refused: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
}

export function initClientImport(sequelize: Sequelize): typeof ClientImport {
  ClientImport.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ownerId: { type: DataTypes.INTEGER, allowNull: false },
      fileName: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      filePath: { type: DataTypes.TEXT, allowNull: false },
      sizeBytes: { type: DataTypes.BIGINT, allowNull: false, get(this: ClientImport) { return Number(this.getDataValue('sizeBytes')); } },
      encoding: { type: DataTypes.STRING(20), allowNull: false },
      delimiter: { type: DataTypes.STRING(1), allowNull: false },
      status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'pending' },
      mapping: { type: DataTypes.JSONB, allowNull: true },
      onDuplicate: { type: DataTypes.STRING(10), allowNull: true },
      startedAt: { type: DataTypes.DATE, allowNull: true },
      finishedAt: { type: DataTypes.DATE, allowNull: true },
      added: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      updated: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      skipped: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      refused: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'client_imports', modelName: 'ClientImport', updatedAt: false },
  );
  return ClientImport;
}
