import {
  type ConnectClient,
  DescribeUserCommand,
  DescribeUserHierarchyGroupCommand,
  ListUsersCommand,
} from '@aws-sdk/client-connect';
import { isMailableAddress } from '#shared/domain/agents/agent';
import type { RosterSource, RosterUser } from '#shared/ports/roster';

export interface ConnectRosterConfig {
  client: ConnectClient;
  instanceId: string;
  /**
   * DescribeUser calls in flight at once. Connect throttles these APIs per account (a few per second); the SDK's
   * retries absorb short bursts of throttling. Default 2.
   */
  concurrency?: number;
}

/** ListUsers pages hold at most 100 users (the maximum `MaxResults`). */
const PAGE_SIZE = 100;

/**
 * The agents of an Amazon Connect instance: ListUsers (paginated) for the ids, DescribeUser for name, e-mail and
 * hierarchy group, DescribeUserHierarchyGroup once per group (cached for the run) for the team's name and ARN.
 */
export class ConnectRoster implements RosterSource {
  readonly #client: ConnectClient;
  readonly #instanceId: string;
  readonly #concurrency: number;

  constructor(config: ConnectRosterConfig) {
    this.#client = config.client;
    this.#instanceId = config.instanceId;
    this.#concurrency = Math.max(1, config.concurrency ?? 2);
  }

  async listUsers(): Promise<RosterUser[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListUsersCommand({ InstanceId: this.#instanceId, MaxResults: PAGE_SIZE, NextToken: nextToken }),
      );
      for (const summary of page.UserSummaryList ?? []) if (summary.Id) ids.push(summary.Id);
      nextToken = page.NextToken;
    } while (nextToken);

    const groups = new Map<string, Promise<RosterUser['hierarchyGroup']>>();
    const group = (id: string) => {
      let found = groups.get(id);
      if (!found) {
        found = this.#describeGroup(id);
        groups.set(id, found);
      }
      return found;
    };
    const users: RosterUser[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        users[i] = await this.#describeUser(ids[i] as string, group);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, ids.length) }, worker));
    return users;
  }

  async #describeUser(
    userId: string,
    group: (id: string) => Promise<RosterUser['hierarchyGroup']>,
  ): Promise<RosterUser> {
    const { User: user } = await this.#client.send(
      new DescribeUserCommand({ InstanceId: this.#instanceId, UserId: userId }),
    );
    const first = user?.IdentityInfo?.FirstName?.trim() ?? '';
    const last = user?.IdentityInfo?.LastName?.trim() ?? '';
    const name = `${last}${first}`.length > 0 ? joinName(first, last) : undefined;
    return {
      connectUserId: user?.Id ?? userId,
      connectUserArn: user?.Arn ?? '',
      name,
      email: pickEmail(user?.IdentityInfo?.Email, user?.IdentityInfo?.SecondaryEmail),
      hierarchyGroup: user?.HierarchyGroupId ? await group(user.HierarchyGroupId) : undefined,
    };
  }

  async #describeGroup(id: string): Promise<RosterUser['hierarchyGroup']> {
    const { HierarchyGroup: g } = await this.#client.send(
      new DescribeUserHierarchyGroupCommand({ InstanceId: this.#instanceId, HierarchyGroupId: id }),
    );
    return { id: g?.Id ?? id, arn: g?.Arn ?? '', name: g?.Name ?? id };
  }
}

/** Chinese names read family name first without a space (张 + 三 → 张三); others "First Last". */
function joinName(first: string, last: string): string {
  const cjk = /[\u3400-\u9fff]/u;
  if (cjk.test(first) || cjk.test(last)) return `${last}${first}`;
  return [first, last].filter((p) => p !== '').join(' ');
}

/**
 * The first of Connect's primary and secondary e-mail that outcall can mail. When neither can be (Connect takes
 * addresses our check refuses, e.g. `li&si@x.cn`), the one present is passed on anyway: the roster sync stores the
 * agent without it and reports the agent, so the address gets fixed in Connect.
 */
function pickEmail(...candidates: (string | undefined)[]): string | undefined {
  const present = candidates.map((c) => c?.trim()).filter((c): c is string => c !== undefined && c !== '');
  return present.find(isMailableAddress) ?? present[0];
}
