import { MemoryOutcomeStore } from '#test/unit/outcomes/memory-outcome-store';
import type { World } from '#test/unit/outcomes/replay';
import {
  AGENT_ID,
  CAMPAIGN_ID,
  OTHER_CAMPAIGN_ID,
  outcomesCampaign,
  PHONE_KEY,
  type Scenario,
  TEAM_ID,
} from '#test/unit/outcomes/scenarios';

/** The replay world on the in-memory store. */
export function memoryWorld(): World & { store: MemoryOutcomeStore } {
  const store = new MemoryOutcomeStore();
  const key = (c: string) => `${c}|${PHONE_KEY}`;
  return {
    store,
    async seed(scenario: Scenario) {
      store.campaigns.set(CAMPAIGN_ID, outcomesCampaign());
      store.agentTeams.set(AGENT_ID, TEAM_ID);
      store.contacts.set(key(CAMPAIGN_ID), {
        campaignId: CAMPAIGN_ID,
        phoneKey: PHONE_KEY,
        zone: 'Asia/Shanghai',
        state: 'dialing',
        attemptsByClass: {},
        dialing: { attempt: 1 },
        attributes: { name: '张三', company: '乐源' },
      });
      if (scenario.otherCampaignContact) {
        store.contacts.set(key(OTHER_CAMPAIGN_ID), {
          campaignId: OTHER_CAMPAIGN_ID,
          phoneKey: PHONE_KEY,
          zone: 'Asia/Shanghai',
          state: 'retryWait',
          dueAt: '2027-03-05T02:00:00.000Z',
          priority: 4,
        });
      }
    },
    async markDialing(attempt: number) {
      const c = store.contacts.get(key(CAMPAIGN_ID));
      if (!c || !['retryWait', 'callback'].includes(c.state)) throw new Error(`contact not waiting: ${c?.state}`);
      store.contacts.set(key(CAMPAIGN_ID), { ...c, state: 'dialing', dialing: { attempt }, dueAt: undefined });
    },
    async observe() {
      const contacts = [...store.contacts.values()]
        .sort((a, b) => a.campaignId.localeCompare(b.campaignId))
        .map((c) => ({
          campaignId: c.campaignId,
          state: c.state,
          dueAt: c.dueAt,
          priority: c.priority,
          callback: c.callback,
          attemptsByClass: c.attemptsByClass,
        }));
      return { contacts, counters: store.counterSnapshot(), dnc: store.dnc.get(PHONE_KEY) };
    },
  };
}
