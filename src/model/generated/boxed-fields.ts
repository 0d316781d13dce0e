// Generated from src/model/sheet.schema.json by src/build/generate-types.js. Do not edit: change the schema.
/** The fields printed in a box of their own (`x-box`, outside lists), at their own paths. */
export interface BoxedFields<B> {
  section: B;
  status: B;
  category: B;
  structure: B;
  individualPlan: B;
  period: B;
  legalBasis: B;
  overview: {
    target: B;
    purpose: B;
    activities: B;
  };
  participation: {
    sharing: B;
    planning: B;
    implementation: B;
    review: B;
  };
  results: {
    previousIssues: B;
    achievements: B;
    challenges: {
      operations: B;
      organization: B;
    };
    improvementGoal: B;
  };
  direction: {
    decision: B;
    reason: B;
  };
}
