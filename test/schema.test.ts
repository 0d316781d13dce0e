// Issue 2: the schema refuses what is not a sheet, and says where in Japanese.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../src/pipeline/ajv';
import { stringify } from 'yaml';
import { checkSheet, openWorkspace } from '../src/pipeline/sheet';
import { bundledSheet, makeDataDir } from './helpers/data';

const schema = JSON.parse(readFileSync(join(__dirname, '../src/model/sheet.schema.json'), 'utf8'));

function check(sheet: unknown) {
  const dir = makeDataDir({ '087.yaml': sheet });
  return checkSheet(join(dir, '2021', '087.yaml'), openWorkspace(dir));
}

describe('the sheet schema', () => {
  it('is draft 2020-12 and gives every property a Japanese title', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    createAjv().compile(schema);
    const untitled: string[] = [];
    const walk = (node: any, path: string) => {
      for (const [key, child] of Object.entries<any>(node.properties ?? {})) {
        if (!/[\u3040-\u30ff\u4e00-\u9fff]|SDGs/.test(child.title ?? '')) untitled.push(`${path}/${key}`);
        walk(child, `${path}/${key}`);
      }
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}/*`);
    };
    walk(schema, '');
    expect(untitled).toEqual([]);
  });

  it('accepts the five bundled sheets', () => {
    for (const n of ['087', '088', '089', '090', '091']) {
      const checked = checkSheet(join(__dirname, '../data/2021', `${n}.yaml`), openWorkspace(join(__dirname, '../data')));
      expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(checked.sheet?.number).toBe(Number(n));
    }
  });

  it('refuses a figure written as text, at its line', () => {
    const sheet = bundledSheet();
    sheet.costs.settled[2020] = '24,857円';
    const { sheet: ok, findings } = check(sheet);
    expect(ok).toBeUndefined();
    expect(findings).toHaveLength(1);
    const line = stringify(sheet, { lineWidth: 0 }).split('\n').findIndex((l) => l.includes('24,857円')) + 1;
    expect(findings[0]).toMatchObject({
      line,
      labels: ['コストの推移', '決算額', '令和2年度'],
      message: '数値を入力してください（"24,857円" は数値ではありません）。この欄は千円単位です。「24,857円」は 24.857 千円で、千円未満は書けません。24,857 千円のつもりなら 24857 と書いてください',
    });
  });

  it('refuses an unknown key and suggests the nearest one', () => {
    const sheet = bundledSheet();
    sheet.overview.purpse = sheet.overview.purpose;
    delete sheet.overview.purpose;
    const { findings } = check(sheet);
    expect(findings.map((f) => f.message)).toContain('「purpse」は未定義の項目です。もしかして「purpose」（目的）?');
    expect(findings.map((f) => f.message)).toContain('「目的」（purpose）が入力されていません');
  });

  it('refuses a missing field, naming it at its parent', () => {
    const sheet = bundledSheet();
    delete sheet.direction.reason;
    const { findings } = check(sheet);
    expect(findings).toHaveLength(1);
    expect(findings[0].labels).toEqual(['方向性']);
    expect(findings[0].message).toBe('「理由」（reason）が入力されていません');
  });

  it('refuses a score of 6', () => {
    const sheet = bundledSheet();
    sheet.evaluation.priority.score = 6;
    const { findings } = check(sheet);
    expect(findings).toHaveLength(1);
    expect(findings[0].labels).toEqual(['評価', '優先度', '点数']);
    expect(findings[0].message).toBe('1 から 5 までの数値を入力してください（6 は範囲外です）');
  });

  it('refuses values outside the fixed choices', () => {
    const sheet = bundledSheet();
    sheet.status = '新規事業';
    sheet.sdgs = [9, 18];
    sheet.costs.partTimeStaff[2021] = 'なし';
    sheet.indicators[0].kind = '成果';
    const messages = check(sheet).findings.map((f) => `${f.labels.join(' › ')}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '新規・継続: 「新規」「継続」のいずれかを入力してください（"新規事業" は選べません）',
        'SDGs › SDGsの目標番号2: 1 から 17 までの数値を入力してください（18 は範囲外です）',
        'コストの推移 › 会計年度任用職員有無 › 令和3年度: 「有」「無」のいずれかを入力してください（"なし" は選べません）',
        '指標の推移 › 指標1 › 指標の種類: 「活動結果指標」「成果指標」のいずれかを入力してください（"成果" は選べません）',
      ]),
    );
  });
});
