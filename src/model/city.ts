// City-wide data kept beside the sheets: standard evaluation sentences, personnel rates, the city's name.
// Each file is checked against its schema (city.schema.json, personnel-rates.schema.json,
// generated/evaluation-sentences.schema.json, made from the sheet schema) before use, by src/pipeline/city-data.ts; the types below are what those
// schemas guarantee.
import type { EvaluationItemKey } from './form';

/** One year of data/personnel-rates.yaml (personnel-rates.schema.json). */
export interface PersonnelRate {
  /** 千円 per full-time staff-year. */
  staffYear: number;
  /** 千円 per overtime hour. */
  overtimeHour: number;
}

/** One fiscal year's settings in data/city.yaml. */
export interface YearSettings {
  /** 発行日 (YYYY-MM-DD, a day that exists): the cover's date and the PDFs' creation date. */
  issueDate?: string;
  /** Wording of the booklet's cover. */
  cover?: { subtitle?: string };
}

/** data/city.yaml as its schema guarantees it (city.schema.json). */
export interface CityFile {
  name?: string;
  documentTitle?: string;
  /** Settings that belong to one fiscal year, by year (4-digit keys). */
  years?: Record<string, YearSettings>;
}

/** data/personnel-rates.yaml: rates by fiscal year (4-digit keys). */
export type PersonnelRatesFile = Record<string, PersonnelRate>;

/** data/evaluation-sentences.yaml: by item, the sentence for each score '1'…'5'. */
export type EvaluationSentencesFile = Partial<Record<EvaluationItemKey, Record<string, string>>>;

export interface CityData {
  name: string;
  documentTitle: string;
  years: Record<string, YearSettings>;
  evaluationSentences: EvaluationSentencesFile;
  personnelRates: PersonnelRatesFile;
}

/** 人件費計 from 従事割合 and 時間外勤務 at the year's rates, rounded to 千円; undefined when the year has no rate. */
export function personnelCostFor(city: CityData, year: string, staffRatio: number, overtimeHours: number): number | undefined {
  const rate = city.personnelRates[year];
  if (!rate) return undefined;
  return Math.round(staffRatio * rate.staffYear + overtimeHours * rate.overtimeHour);
}

/** A fiscal year's own settings (none yet: an empty object). */
export const yearSettings = (city: CityData, fiscalYear: number): YearSettings => city.years[String(fiscalYear)] ?? {};

/**
 * When a fiscal year's documents were issued: its 発行日, as the PDFs' creation date. Never the clock, so the same
 * data gives the same bytes; a year with no 発行日 yet has no date at all (its PDFs carry none), never a made-up one.
 */
export function issuedOn(city: CityData, fiscalYear: number): Date | undefined {
  const date = yearSettings(city, fiscalYear).issueDate;
  return date ? new Date(`${date}T00:00:00+09:00`) : undefined;
}
