// Which form field and message each unique index of the schema stands for, so a duplicate is told on its field
// ("You already have a client with this e-mail") instead of as the index's expression.

export interface Duplicate {
  field: string;
  message: string;
  /** The screens' catalogue key of the message (admin/locale: messages.<key>), so they can say it in Russian too. */
  key: 'duplicateClientEmail' | 'duplicateUserEmail' | 'duplicateGroupName';
}

/** Index (or constraint) name, as the migrations create it → the field a person fixes. */
export const UNIQUE_INDEXES: Readonly<Record<string, Duplicate>> = {
  clients_owner_email_unique: { field: 'email', message: 'You already have a client with this e-mail', key: 'duplicateClientEmail' },
  users_email_unique: { field: 'email', message: 'A user with this e-mail already exists', key: 'duplicateUserEmail' },
  groups_name_unique: { field: 'name', message: 'A group with this name already exists', key: 'duplicateGroupName' },
};

/** The field and message of a Sequelize unique-constraint error, when its index is one of ours. */
export function duplicateOf(error: unknown): Duplicate | undefined {
  if (!(error instanceof Error) || error.name !== 'SequelizeUniqueConstraintError') return undefined;
  const cause = (error as Error & { parent?: { constraint?: string }; original?: { constraint?: string } });
  const name = cause.parent?.constraint ?? cause.original?.constraint;
  return name ? UNIQUE_INDEXES[name] : undefined;
}
