import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ALERTS_FILE } from './paths';

export interface Rule {
  group: string;
  /** `alert` or `record` name. */
  name: string;
  kind: 'alert' | 'record';
  expr: string;
}

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

/** Every alert and recording rule of deploy/prometheus/alerts.yml. */
export function loadRules(file = ALERTS_FILE): Rule[] {
  const parsed = parse(readFileSync(file, 'utf8')) as RuleFile;
  return parsed.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      group: group.name,
      name: (rule.alert ?? rule.record)!,
      kind: rule.alert ? ('alert' as const) : ('record' as const),
      expr: String(rule.expr).trim(),
    })),
  );
}
