// Generated from src/model/sheet.schema.json by json-schema-to-typescript (src/build/generate-types.js).
// Do not edit: change the schema and run `npm run build`.

export interface Sheet {
  review?: string[];
  doubts?: string[];
  fiscalYear: number;
  number: number;
  continues?: number[];
  name: string;
  budgetItem: {
    code: string;
    name: string;
  };
  department: string;
  division: string;
  section: string;
  mayorPledges: number[];
  /**
   * @maxItems 6
   */
  strategicPlans: {
    code: string;
    policy: number;
    measure: number;
    title: string;
  }[];
  status: '新規' | '継続';
  category: string;
  structure: string;
  individualPlan: string;
  period: string;
  legalBasis: string;
  sdgs: number[];
  overview: {
    target: string;
    purpose: string;
    activities: string;
  };
  costs: {
    budget: AmountRow;
    settled: AmountRow;
    generalFund: AmountRow;
    subsidies: AmountRow;
    otherFunds: AmountRow;
    personnelCost?: AmountRow;
    staffRatio: {
      [k: string]: number;
    };
    overtimeHours: {
      [k: string]: number;
    };
    partTimeStaff: {
      [k: string]: '有' | '無';
    };
  };
  participation: {
    sharing: string;
    planning: string;
    implementation: string;
    review: string;
  };
  /**
   * @maxItems 5
   */
  indicators: {
    name: string;
    unit: string;
    kind?: '活動結果指標' | '成果指標' | null;
    target: IndicatorRow;
    actual: IndicatorRow;
    description?: string;
  }[];
  results: {
    previousIssues: string;
    achievements: string;
    challenges: {
      operations: string;
      organization: string;
    };
    improvementGoal: string;
  };
  evaluation: {
    citizenNeeds: EvaluationItem;
    progress: EvaluationItem;
    cityInvolvement: EvaluationItem;
    priority: EvaluationItem;
  };
  direction: {
    decision: '継続' | '拡大・拡充' | '改善' | '縮小' | '休止・廃止' | '統合' | '完了' | null;
    reason: string;
  };
  restatements?: {
    path: string;
    reason: string;
  }[];
}
export interface AmountRow {
  [k: string]: number;
}
export interface IndicatorRow {
  [k: string]: number;
}
export interface EvaluationItem {
  score: number | null;
  sentence?: string;
  exception?: boolean;
}
