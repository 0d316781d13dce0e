// The preview tells the look of each page (X-Page-Hashes), so that the editor redraws only the pages that changed:
// a change on page 2 leaves page 1's hash as it was, and the other way round (issue 21: the preview under load).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DATA_DIR } from './helpers/data';
import { startTestServer, type TestServer } from './helpers/serve';

const TEXT_087 = readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8');

describe('POST /api/preview: the pages’ hashes', () => {
  let t: TestServer;
  afterAll(() => t?.close());

  it('change with the page a value prints on, and only that page', async () => {
    t = await startTestServer({ '087.yaml': TEXT_087 });
    const hashes = async (edit: (data: any) => void) => {
      const data = parse(TEXT_087);
      edit(data);
      const res = await t.request('POST', '/api/preview/2021/087', { body: { data } });
      expect(res.status).toBe(200);
      return String(res.headers['x-page-hashes']).split(',');
    };
    const base = await hashes(() => {});
    expect(base).toHaveLength(2);
    expect(base.every((h) => /^[0-9a-f]{16}$/.test(h))).toBe(true);
    expect(await hashes(() => {})).toEqual(base);
    const second = await hashes((d) => (d.results.achievements += 'あ'));
    expect(second[0]).toBe(base[0]);
    expect(second[1]).not.toBe(base[1]);
    const first = await hashes((d) => (d.overview.purpose += 'あ'));
    expect(first[0]).not.toBe(base[0]);
    expect(first[1]).toBe(base[1]);
  });
});
