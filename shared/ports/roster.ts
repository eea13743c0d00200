/** One user of the Amazon Connect instance, as the roster source sees it. */
export interface RosterUser {
  connectUserId: string;
  connectUserArn: string;
  /** First and last name as Connect holds them; for e-mails only, never logged. */
  name?: string | undefined;
  email?: string | undefined;
  /** The user's hierarchy group: outcall's team. */
  hierarchyGroup?: { id: string; arn: string; name: string } | undefined;
}

/** Where the list of agents comes from (Amazon Connect's users and hierarchy groups). */
export interface RosterSource {
  listUsers(): Promise<RosterUser[]>;
}
