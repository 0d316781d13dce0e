// City-wide data kept beside the sheets: standard evaluation sentences, personnel rates, the city's name.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlCached } from '../pipeline/yaml-cache';
import { UserError } from './errors';
import type { EvaluationItemKey } from './types';

export interface PersonnelRate {
  /** 千円 per full-time staff-year. */
  staffYear: number;
  /** 千円 per overtime hour. */
  overtimeHour: number;
}

export interface CityData {
  name: string;
  documentTitle: string;
  /** 発行日 (YYYY-MM-DD): the cover's date and the PDFs' creation date. */
  issueDate?: string;
  /** Wording of the booklet's cover. */
  cover?: { subtitle?: string };
  evaluationSentences: Partial<Record<EvaluationItemKey, Record<string, string>>>;
  personnelRates: Record<string, PersonnelRate>;
}

function readYaml(file: string, required: boolean): any {
  if (!existsSync(file)) {
    if (required) throw new UserError(`${file}: ファイルが見つかりません。`);
    return {};
  }
  try {
    return parseYamlCached(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw new UserError(`${file}: YAML を読み取れません: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function loadCityData(dataDir: string): CityData {
  const city = readYaml(join(dataDir, 'city.yaml'), false);
  return {
    name: typeof city.name === 'string' ? city.name : '',
    documentTitle: typeof city.documentTitle === 'string' ? city.documentTitle : '事務事業マネジメントシート',
    issueDate: typeof city.issueDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(city.issueDate) ? city.issueDate : undefined,
    cover: typeof city.cover === 'object' && city.cover ? city.cover : {},
    evaluationSentences: readYaml(join(dataDir, 'evaluation-sentences.yaml'), false),
    personnelRates: readYaml(join(dataDir, 'personnel-rates.yaml'), false),
  };
}

/** 人件費計 from 従事割合 and 時間外勤務 at the year's rates, rounded to 千円; undefined when the year has no rate. */
export function personnelCostFor(city: CityData, year: string, staffRatio: number, overtimeHours: number): number | undefined {
  const rate = city.personnelRates[year];
  if (!rate) return undefined;
  return Math.round(staffRatio * rate.staffYear + overtimeHours * rate.overtimeHour);
}
