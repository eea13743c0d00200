import { describe, expect, it } from 'vitest';
import { counterContributions, deriveOutcome } from '#shared/domain/outcomes/derive';
import { type AttemptFacts, mergeFacts } from '#shared/domain/outcomes/facts';
import { AGENT_ID, outcomesCampaign } from '#test/unit/outcomes/scenarios';

const campaign = outcomesCampaign();
const contactId = '6f1d2c3b-0000-4a5b-8c7d-9e0f1a2b3c4d';
const callStart: AttemptFacts = { callStart: { contactId, at: '2027-03-02T02:00:21.000Z' } };
const connected: AttemptFacts = {
  events: {
    contactId,
    types: ['CONNECTED_TO_AGENT'],
    initiatedAt: '2027-03-02T02:00:00.000Z',
    connectedToSystemAt: '2027-03-02T02:00:20.000Z',
    agentConnectedAt: '2027-03-02T02:00:22.000Z',
    agentId: AGENT_ID,
  },
};
const disconnected: AttemptFacts = {
  events: {
    contactId,
    types: ['DISCONNECTED'],
    initiatedAt: '2027-03-02T02:00:00.000Z',
    agentConnectedAt: '2027-03-02T02:00:22.000Z',
    disconnectedAt: '2027-03-02T02:04:22.000Z',
    disconnectReason: 'CUSTOMER_DISCONNECT',
    agentId: AGENT_ID,
  },
};
const disposition: AttemptFacts = {
  disposition: { contactId, code: 'NOT_INTERESTED', at: '2027-03-02T02:04:40.000Z', agentId: AGENT_ID },
};

const counted = (facts: AttemptFacts) =>
  counterContributions(campaign.id, deriveOutcome(facts, campaign), facts, 'team-east', 1);

describe('what an attempt counts, and when', () => {
  it('counts nothing while the call goes on: call start and agent connection alone move no counter', () => {
    expect(counted(callStart)).toEqual([]);
    expect(counted(mergeFacts(callStart, connected))).toEqual([]);
  });

  it('counts the call in its campaign, agent and team once its end is reported', () => {
    const ended = counted(mergeFacts(mergeFacts(callStart, connected), disconnected));
    expect(ended.map((c) => [c.scope, c.values.dials, c.values.connects, c.values.talkSeconds])).toEqual([
      ['CAMPAIGN', 1, 1, 240],
      ['AGENT', 1, 1, 240],
      ['TEAM', 1, 1, 240],
    ]);
  });

  it('counts a disposition that arrives before anything reports the end', () => {
    const early = counted(mergeFacts(mergeFacts(callStart, connected), disposition));
    expect(early.map((c) => [c.scope, c.values.dials, c.values.refusals])).toEqual([
      ['CAMPAIGN', 1, 1],
      ['AGENT', 1, 1],
      ['TEAM', 1, 1],
    ]);
  });
});
