import { subfield } from '../../atv/layout.js';

/**
 * The stand-in labelling rule for synthetic training vectors (index into VERDICTS: 0 ALLOW, 1 BLOCK,
 * 2 REQUIRE_APPROVAL). It reads the same subfields the firewall's steps read; once the rule engine lands,
 * train on its decisions instead (docs/fpga.md, "Retraining on the rule engine").
 */
export function labelRule(x: Float32Array): number {
  const at = (name: string, i: number): number => x[subfield(name).offset + i] ?? 0;
  const destructive = at('tool_arg_inspection', 0) >= 0.5;
  const credential = at('tool_arg_inspection', 8) >= 0.5;
  const shell = at('tool_arg_inspection', 4) >= 0.5;
  const write = at('tool_arg_inspection', 6) >= 0.5;
  const blast = at('action_blast_radius', 0);
  const override = at('prompt_structure', 4) >= 0.5;
  const watchdog = at('watchdog_signals', 0);
  if (credential || (destructive && blast >= 0.8) || watchdog >= 0.6) return 1;
  if ((shell && write) || blast >= 0.9 || override) return 2;
  return 0;
}
