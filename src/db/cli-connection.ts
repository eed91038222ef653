// The connection settings sequelize-cli uses (see sequelize.config.js): the service's own database.
import { getConfig } from '../config.js';
import { databaseUrlFor } from './database.js';

export function cliConnection(): { url: string; dialect: 'postgres'; logging: false } {
  return { url: databaseUrlFor(getConfig()), dialect: 'postgres', logging: false };
}
