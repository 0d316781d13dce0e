// What a sheet's PDF must say, in reading order, computed from its YAML alone (independent of src/derive).
const num = (v: number, d: number) =>
  v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const era = (y: number) => (y === 2019 ? '令和元年度' : `令和${String(y - 2018).padStart(2, ' ')}年度`);
const short = (y: number) => `R${String(y - 2018).padStart(2, '0')}年度`;

const SDG = {
  9: '09産業と技術革新の基盤をつくろう',
  16: '16平和と公正をすべての人に',
  17: '17パートナーシップで目標を達成しよう',
} as Record<number, string>;

export function readingOrder(s: any): string[] {
  const fy = s.fiscalYear;
  const years = [fy - 2, fy - 1, fy, fy + 1, fy + 2];
  const iyears = [...years, fy + 3];
  const row = (label: string[], values: Record<string, any>, d: number | null) => [
    ...label,
    ...years.map((y) => (d === null ? String(values[y]) : num(values[y], d))),
  ];
  const out: string[] = [
    `${era(fy)} 事務事業マネジメントシート`,
    '事業の基本情報',
    '事務事業名', `${String(s.number).padStart(3, '0')} ${s.name}`,
    '予算科目', s.budgetItem.code, s.budgetItem.name, '担当部課', `${s.department}${s.division}`,
    '市長公約', s.mayorPledges.join(' '), '係名', s.section,
    '戦略プラン',
    // Each plan row shares its line with one of the three items printed beside the plans.
    ...[0, 1, 2, ...s.strategicPlans.keys()].filter((v, i, a) => a.indexOf(v) === i).flatMap((i) => {
      const p = s.strategicPlans[i];
      const side = [['新規・継続', s.status], ['事業分類', s.category], ['事業体制', s.structure]][i] ?? [];
      return [...(p ? [p.code, String(p.policy), String(p.measure), p.title] : []), ...side];
    }),
    '個別計画', s.individualPlan, '事業期間', s.period,
    '根拠法令等', s.legalBasis, 'SDGs', ...s.sdgs.map((g: number) => SDG[g] ?? String(g).padStart(2, '0')),
    '事業の概要',
    '対象', s.overview.target, '目的', s.overview.purpose, '概要 (取組内容)', s.overview.activities,
    'コストの推移',
    '項目', ...years.map(era),
    ...row(['事業費', '予算額', '(千円)'], s.costs.budget, 0),
    ...row(['決算額', '(千円)'], s.costs.settled, 0),
    ...row(['内訳', '一般財源', '(千円)'], s.costs.generalFund, 0),
    ...row(['国庫、県支出金、地方債', '(千円)'], s.costs.subsidies, 0),
    ...row(['その他', '(千円)'], s.costs.otherFunds, 0),
    ...row(['人件費', '人件費計', '(千円)'], s.costs.personnelCost, 0),
    ...row(['内訳', '正職員従事割合', '(人)'], s.costs.staffRatio, 2),
    ...row(['正職員時間外勤務', '(時間)'], s.costs.overtimeHours, 2),
    ...row(['会計年度任用職員有無', '(-)'], s.costs.partTimeStaff, null),
    '市民参加の取組状況',
    '共有、理解', s.participation.sharing, '企画・立案、計画', s.participation.planning,
    '実行', s.participation.implementation, '評価、検証', s.participation.review,
    '1 / 2',
    '指標の推移',
  ];
  for (let i = 0; i < 5; i++) {
    const ind = s.indicators[i];
    out.push(String(i + 1), '指標名', `${ind?.name ?? ''} (${ind?.unit ?? ''})`, ind?.kind ?? '', ...iyears.map(short));
    out.push('目標値', ...iyears.map((y) => num(ind?.target?.[y] ?? 0, 1)));
    out.push('実績', ...iyears.map((y) => num(ind?.actual?.[y] ?? 0, 1)));
    out.push('指標の概要', ind?.description ?? '');
  }
  const e = s.evaluation;
  out.push(
    '事業の成果と課題',
    '前年度の課題への対応', s.results.previousIssues, '成果', s.results.achievements,
    '課題', '業務', s.results.challenges.operations, '組織、予算等', s.results.challenges.organization,
    '改善目標', s.results.improvementGoal,
    '評価',
    '市民ニーズ', String(e.citizenNeeds.score), e.citizenNeeds.sentence,
    '進捗状況', String(e.progress.score), e.progress.sentence,
    '市の関与', String(e.cityInvolvement.score), e.cityInvolvement.sentence,
    '優先度', String(e.priority.score), e.priority.sentence,
    '方向性', '方向性', s.direction.decision, '理由', s.direction.reason,
    '2 / 2',
  );
  return out;
}

/** The cells of one sheet of the seed text, as the official PDF listed them, with its extraction artefacts removed. */
export function seedCells(seed: string, number: string): string[] {
  const sheets = seed.split(/(?=令和 3年度 事務事業マネジメントシート)/).filter((s) => s.includes('事務事業名'));
  const sheet = sheets.find((s) => new RegExp(`事務事業名\\t${number} `).test(s));
  if (!sheet) throw new Error(`seed has no sheet ${number}`);
  return sheet
    .split('\n')
    .flatMap((line) => line.split('\t'))
    .map((cell) => cell.replace(/<\/?p>/g, '').replace(/^\d (目標値)$/, '$1').trim())
    .filter((cell) => cell !== '');
}
