// GET /api/sheets/<year>/<number>/diff: the 新旧対照表 of a sheet as the editor shows it beside the form (the same
// rows as `sheetbook diff`: src/publication/sheet-diff.ts). `?from=<year>` or `?published=<date>` choose what it is
// compared with. A sheet that cannot be compared (no sheet of last year, errors in it) answers with the reason.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UserError } from '../model/errors';
import { readCityData } from '../pipeline/city-data';
import { sheetDiff } from '../publication/sheet-diff';
import { HttpError, sendJson } from './http';
import { numberOf, sheetFile, yearOf } from './sheet-files';

export function sheetDiffHandler(dataDir: string) {
  return (_req: IncomingMessage, res: ServerResponse, [yearText, numberText]: string[], url: URL): void => {
    const { file } = sheetFile(dataDir, yearOf(yearText), numberOf(numberText));
    const from = url.searchParams.get('from');
    const published = url.searchParams.get('published') ?? undefined;
    if (from !== null && !/^[0-9]{4}$/.test(from)) throw new HttpError(400, `from には西暦 4 桁の年度を指定してください（「${from}」）。`);
    try {
      // The city's files are read for each request: a rate corrected since the server started counts.
      const diff = sheetDiff({ file, dataDir, city: readCityData(dataDir).city, from: from === null ? undefined : Number(from), published });
      sendJson(res, 200, diff);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      sendJson(res, 200, { rows: [], message: error.message });
    }
  };
}
