/**
 * The scores table of docs/mutation.md, from Stryker's JSON reports (mutation-testing-report-schema).
 * Score as Stryker computes it: (killed + timed out) / (killed + timed out + survived + no coverage);
 * mutants that do not compile and those marked equivalent (ignored) are not counted.
 */

/** The parts of Stryker's JSON report read here. */
export interface MutationReport {
  files: Record<string, { mutants: readonly { status: string }[] }>;
}

export interface ModuleScore {
  module: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  compileErrors: number;
  /** Percent, or null when no mutant counts (nothing to score). */
  score: number | null;
  /** When and at which commit the run was made (reports/mutation/<name>.inputs.json), if recorded. */
  measured?: string;
}

/** The score of one module from the report that mutated it, or null when the report does not hold it. */
export function moduleScore(report: MutationReport, module: string): ModuleScore | null {
  const file = report.files[module];
  if (file === undefined) return null;
  const tally = (...statuses: string[]): number => file.mutants.filter((m) => statuses.includes(m.status)).length;
  const killed = tally("Killed");
  const timeout = tally("Timeout");
  const survived = tally("Survived");
  const noCoverage = tally("NoCoverage");
  const detected = killed + timeout;
  const valid = detected + survived + noCoverage;
  return {
    module,
    killed,
    timeout,
    survived,
    noCoverage,
    ignored: tally("Ignored"),
    compileErrors: tally("CompileError"),
    score: valid === 0 ? null : (100 * detected) / valid,
  };
}

const percent = (score: number | null): string => (score === null ? "–" : `${score.toFixed(1)} %`);

/** The cells of a row, measured column included. */
const COLUMNS = 9;

/** The row `previous` (the last docs/mutation.md) has for a module, if any, widened to today's columns. */
function previousRow(previous: string | undefined, module: string): string | undefined {
  const row = previous?.split("\n").find((line) => line.startsWith(`| \`${module}\` |`));
  if (row === undefined) return undefined;
  // A row from before the measured column (its date and commit are in the notes or the git log).
  const cells = row.split("|").length - 2;
  return cells < COLUMNS ? `${row}${" not recorded |".repeat(COLUMNS - cells)}` : row;
}

/**
 * docs/mutation.md: one row per module. A module without a report here keeps its row from `previous`
 * (reports are gitignored and each clone or machine holds only those it ran), else "not measured yet".
 */
export function renderTable(
  modules: readonly string[],
  scores: ReadonlyMap<string, ModuleScore>,
  goal: number,
  previous?: string,
): string {
  const rows = modules.map((module) => {
    const s = scores.get(module);
    if (s === undefined) return previousRow(previous, module) ?? `| \`${module}\` | not measured yet | | | | | | | |`;
    const mark = s.score !== null && s.score >= goal ? "" : " (below goal)";
    return `| \`${module}\` | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.ignored} | ${s.compileErrors} | ${percent(s.score)}${mark} | ${s.measured ?? "not recorded"} |`;
  });
  return [
    "# Mutation scores",
    "",
    "Written by `npm run mutate` (or `npm run mutate:table`) from the last run of each module, committed in",
    "`reports/mutation/` (`<module>.incremental.json`, Stryker's report; `<module>.inputs.json`, what it tested and",
    "when); edit only the notes at the end. Score = (killed + timed out) / (killed + timed out + survived + no",
    "coverage). *Equivalent* counts the mutants marked `// Stryker disable … : <reason>` in the code; *not typed*",
    "those the TypeScript checker rejects; *measured* is the run's date (UTC) and the commit checked out then",
    `("+ edits" when the module or its tests differed from that commit). Goal: ≥ ${goal} % per module.`,
    "",
    "| module | killed | timed out | survived | no coverage | equivalent | not typed | score | measured |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/** The hand-written part of docs/mutation.md: from this heading on, a rewrite keeps the text as it is. */
export const NOTES_HEADING = "## Notes";

/** The new table followed by the notes section of the previous file, if it had one. */
export function keepNotes(table: string, previous: string | undefined): string {
  const at = previous?.indexOf(`\n${NOTES_HEADING}\n`) ?? -1;
  return at < 0 || previous === undefined ? table : `${table}\n${previous.slice(at + 1)}`;
}
