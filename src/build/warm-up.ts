// Before the bundled program's code cache is taken (src/build/code-cache.ts), the program runs once — `build` of one
// made-up sheet into a temporary folder — so that the cache holds the compiled code of every function a build runs,
// not only of the top level. Nothing of it is output: the folders are removed. The sheet is made up: nothing of a
// city's data goes into the build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../commands/build.runner';

const TEXT = '見本の文章です。数字 12,345 千円や 62% のような値、「かっこ」（括弧）と English words も含みます。';
const T = JSON.stringify(TEXT);

export const WARM_UP_SHEET = `fiscalYear: 2021
number: 999
name: 見本事業
budgetItem: {code: 01-000000-00, name: 見本の予算科目}
department: 見本部
division: 見本課
section: 見本係
mayorPledges: [1]
strategicPlans:
  - {code: I-1, policy: 1, measure: 1, title: 見本の施策}
status: 継続
category: 自治事務（任意）
structure: 一部委託
individualPlan: 見本計画
period: 毎年度
legalBasis: ""
sdgs: [9, 16]
overview: {target: 市民, purpose: ${T}, activities: ${T}}
costs:
  budget:          {2019: 100, 2020: 200, 2021: 300, 2022: 300, 2023: 300}
  settled:         {2019: 110, 2020: 210, 2021: 310, 2022: 0, 2023: 0}
  generalFund:     {2019: 100, 2020: 200, 2021: 300, 2022: 0, 2023: 0}
  subsidies:       {2019: 10, 2020: 10, 2021: 10, 2022: 0, 2023: 0}
  otherFunds:      {2019: 0, 2020: 0, 2021: 0, 2022: 0, 2023: 0}
  personnelCost:   {2019: 1000, 2020: 1000, 2021: 1000, 2022: 1000, 2023: 1000}
  staffRatio:      {2019: 0.10, 2020: 0.10, 2021: 0.10, 2022: 0.10, 2023: 0.10}
  overtimeHours:   {2019: 10, 2020: 10, 2021: 10, 2022: 10, 2023: 10}
  partTimeStaff:   {2019: 無, 2020: 無, 2021: 無, 2022: 無, 2023: 無}
participation: {sharing: ${T}, planning: —, implementation: —, review: —}
indicators:
  - name: 見本の指標
    unit: 件
    kind: 活動結果指標
    target: {2019: 10, 2020: 20, 2021: 30, 2022: 40, 2023: 50, 2024: 60}
    actual: {2019: 11, 2020: 21, 2021: 31, 2022: 0, 2023: 0, 2024: 0}
    description: ${T}
results:
  previousIssues: ${T}
  achievements: ${T}
  challenges: {operations: ${T}, organization: 特になし。}
  improvementGoal: ${T}
evaluation:
  citizenNeeds: {score: 3, sentence: 見本の文言。, exception: true}
  progress: {score: 4, sentence: 見本の文言。, exception: true}
  cityInvolvement: {score: 5, sentence: 見本の文言。, exception: true}
  priority: {score: 3, sentence: 見本の文言。, exception: true}
direction: {decision: 継続, reason: —}
`;

/**
 * Run `build` of the made-up sheet in temporary folders (made in `parent`, and removed); returns what it printed (for
 * the build step's check).
 */
export async function warmUp(parent = tmpdir()): Promise<string[]> {
  const root = mkdtempSync(join(parent, 'sheetbook-warm-up-'));
  const lines: string[] = [];
  try {
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, '2021'), { recursive: true });
    writeFileSync(join(dataDir, '2021', '999.yaml'), WARM_UP_SHEET);
    const summary = await runBuild({ numbers: [999], dataDir, outDir: join(root, 'output') }, (line) => lines.push(line));
    if (summary.built.length !== 1) throw new Error(`the warm-up sheet did not build:\n${lines.join('\n')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return lines;
}
