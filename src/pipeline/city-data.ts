// The city's data files read and checked against their schemas (see src/model/city.ts for what they hold).
import { join } from 'node:path';
import type { CityData, CityFile, EvaluationSentencesFile, PersonnelRatesFile } from '../model/city';
import type { Finding } from '../model/types';
import { checkDataFile, DataFileError, throwOnErrors } from './data-file';
import { loadLayout } from './layout';
import { usersFileFindings } from './users';

/** The three files' names in a data folder. */
export const CITY_FILES = ['city.yaml', 'evaluation-sentences.yaml', 'personnel-rates.yaml'] as const;

/**
 * The city data of a data folder, and whatever its files' schemas refuse. Every file may be left out. With
 * findings, `city` holds what is valid (a rate with an error is left out), so that sheets can still be checked.
 */
export function readCityData(dataDir: string): { city: CityData; findings: Finding[] } {
  const opts = { missing: {}, salvage: true };
  const city = checkDataFile<CityFile>(join(dataDir, 'city.yaml'), 'city', opts);
  const sentences = checkDataFile<EvaluationSentencesFile>(join(dataDir, 'evaluation-sentences.yaml'), 'evaluation-sentences', opts);
  const rates = checkDataFile<PersonnelRatesFile>(join(dataDir, 'personnel-rates.yaml'), 'personnel-rates', opts);
  const c = city.value ?? {};
  return {
    city: {
      name: c.name ?? '',
      documentTitle: c.documentTitle ?? '事務事業マネジメントシート',
      years: c.years ?? {},
      evaluationSentences: sentences.value ?? {},
      personnelRates: rates.value ?? {},
    },
    findings: [...city.findings, ...sentences.findings, ...rates.findings],
  };
}

/** The city data of a data folder; a file with errors stops the command (DataFileError lists the findings). */
export function loadCityData(dataDir: string): CityData {
  const { city, findings } = readCityData(dataDir);
  throwOnErrors(findings);
  return city;
}

/** What the schemas of the city's data files, the accounts (users.yaml) and templates/layout.yaml refuse (for validate). */
export function dataFileFindings(dataDir: string, templatesDir?: string): Finding[] {
  const findings = [...readCityData(dataDir).findings, ...usersFileFindings(dataDir)];
  try {
    loadLayout(templatesDir);
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    findings.push(...error.findings);
  }
  return findings;
}
