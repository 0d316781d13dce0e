// The Japanese name of a place in a sheet, from the form's labels (for the changes shown after a refused save):
// ['indicators', 0, 'actual', '2022'] → 指標の推移 1 › 実績 › 令和4年度.
import type { DataPath, FieldView, FormView } from '../types';

export function labeller(form: FormView): (path: DataPath) => string {
  const byPattern = new Map<string, FieldView>();
  const walk = (field: FieldView) => {
    byPattern.set(field.path.join('.'), field);
    field.fields?.forEach(walk);
    if (field.item) walk(field.item);
  };
  form.sections.forEach((s) => s.fields.forEach(walk));
  return (path) => {
    const names: string[] = [];
    const pattern: string[] = [];
    let field: FieldView | undefined;
    for (const step of path) {
      if (typeof step === 'number' || /^[0-9]+$/.test(String(step))) {
        if (field?.kind === 'yearRow') {
          const i = (field.years ?? []).indexOf(Number(step));
          names.push(field.yearLabels?.[i] ?? `${step}年度`);
          continue;
        }
        pattern.push('*');
        if (names.length > 0) names[names.length - 1] += ` ${Number(step) + 1}`;
        continue;
      }
      pattern.push(String(step));
      field = byPattern.get(pattern.join('.'));
      names.push(field?.label ?? String(step));
    }
    return names.join(' › ');
  };
}
