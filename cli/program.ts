import type { Command } from 'commander';

/**
 * The subcommand group `name` of `program` (e.g. `campaign`), created on first use. Several command modules add
 * verbs to one group (`campaign check`, `campaign explain`), so none of them may create it unconditionally.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((c) => c.name() === name);
  if (existing) return existing;
  return program.command(name).description(description);
}
