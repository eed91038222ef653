// The job store's side of scheduling: one persisted job per mailing, due at the mailing's next run.
export interface MailingJob {
  mailingId: number;
  nextRunAt: Date | null;
}

export interface MailingJobs {
  /** Creates or moves the mailing's one job. */
  schedule(mailingId: number, at: Date): Promise<void>;
  /** Removes the mailing's job (no-op when it has none). */
  cancel(mailingId: number): Promise<void>;
  /** Every mailing job in the store, duplicates included (reconcile repairs them). */
  list(): Promise<MailingJob[]>;
}
