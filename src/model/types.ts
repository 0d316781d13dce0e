// The typed values that pass between the pipeline stages:
// SheetSource (load) → Sheet (validate) → SheetView (derive) → DocDefinition (layout) → PDF bytes (render).

/** A fiscal-year keyed row, e.g. {2019: 0, 2020: 26499}. Keys are western fiscal years. */
export type YearRow<T> = Record<string, T>;

export type EvaluationItemKey = 'citizenNeeds' | 'progress' | 'cityInvolvement' | 'priority';

export interface EvaluationItem {
  score: number;
  sentence?: string;
  exception?: boolean;
}

export interface StrategicPlan {
  code: string;
  policy: number;
  measure: number;
  title: string;
}

export interface Indicator {
  name: string;
  unit: string;
  kind?: '活動結果指標' | '成果指標';
  target: YearRow<number>;
  actual: YearRow<number>;
  description?: string;
}

export interface CostTable {
  budget: YearRow<number>;
  settled: YearRow<number>;
  generalFund: YearRow<number>;
  subsidies: YearRow<number>;
  otherFunds: YearRow<number>;
  personnelCost?: YearRow<number>;
  staffRatio: YearRow<number>;
  overtimeHours: YearRow<number>;
  partTimeStaff: YearRow<'有' | '無'>;
}

/** One sheet as written in data/<fiscal-year>/<number>.yaml, after schema validation. */
export interface Sheet {
  fiscalYear: number;
  number: number;
  name: string;
  budgetItem: { code: string; name: string };
  department: string;
  division: string;
  section: string;
  mayorPledges: number[];
  strategicPlans: StrategicPlan[];
  status: '新規' | '継続';
  category: string;
  structure: string;
  individualPlan: string;
  period: string;
  legalBasis: string;
  sdgs: number[];
  overview: { target: string; purpose: string; activities: string };
  costs: CostTable;
  participation: { sharing: string; planning: string; implementation: string; review: string };
  indicators: Indicator[];
  results: {
    previousIssues: string;
    achievements: string;
    challenges: { operations: string; organization: string };
    improvementGoal: string;
  };
  evaluation: Record<EvaluationItemKey, EvaluationItem>;
  direction: { decision: string; reason: string };
}

/** A path into a sheet's data, as keys and indexes (e.g. ['costs', 'settled', '2020']). */
export type DataPath = (string | number)[];

export type Severity = 'error' | 'warning';

/** One problem found in a file, at a place a person can go to. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  /** Japanese labels from the schema titles, outermost first. */
  labels: string[];
  message: string;
  path: DataPath;
}
