import type { LoadReport } from '../protocol';
import type { Check } from '../results';

/** Checks a phase's load report: every subscriber present, with its terminal event and exact last state. */
export function checkDelivery(report: LoadReport, expectedSubscribers: number): Check {
  const problems: string[] = [];
  if (report.subscribers !== expectedSubscribers) {
    problems.push(`${report.subscribers} of ${expectedSubscribers} subscribers connected`);
  }
  if (report.missingTerminals > 0) problems.push(`${report.missingTerminals} terminal events lost`);
  if (report.wrongFinalState > 0) problems.push(`${report.wrongFinalState} subscribers ended on a stale state`);
  if (report.outOfOrder > 0) problems.push(`${report.outOfOrder} events out of order or duplicated`);
  for (const error of report.errors) problems.push(`error: ${error}`);
  return { ok: problems.length === 0, problems };
}
