// The 17 Sustainable Development Goals as the Japanese government and the UN Information Centre name them.
// Fixed by the UN, so sheets store only the numbers.
export const SDG_NAMES: readonly string[] = [
  '貧困をなくそう',
  '飢餓をゼロに',
  'すべての人に健康と福祉を',
  '質の高い教育をみんなに',
  'ジェンダー平等を実現しよう',
  '安全な水とトイレを世界中に',
  'エネルギーをみんなに そしてクリーンに',
  '働きがいも経済成長も',
  '産業と技術革新の基盤をつくろう',
  '人や国の不平等をなくそう',
  '住み続けられるまちづくりを',
  'つくる責任 つかう責任',
  '気候変動に具体的な対策を',
  '海の豊かさを守ろう',
  '陸の豊かさも守ろう',
  '平和と公正をすべての人に',
  'パートナーシップで目標を達成しよう',
];

/** `9` → `09産業と技術革新の基盤をつくろう`, as the sheet prints a goal. */
export function sdgLine(goal: number): string {
  return `${String(goal).padStart(2, '0')}${SDG_NAMES[goal - 1]}`;
}
