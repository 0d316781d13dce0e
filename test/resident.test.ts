// The resident process (src/resident/): `sheetbook build` and `validate` through the launcher hand their command line to a process
// that stays running. It must be the same build as a process of its own — same bytes, output, exit codes, folder —
// never print an old template, font or program, tidy up on Ctrl+C, and go away when idle or no longer reachable.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSheet, makeDataDir } from './helpers/data';
import { embeddedFonts, parsePdf } from './helpers/pdf';
import { copyPackage, endResidents, residentSockets } from './helpers/resident';

const ROOT = join(__dirname, '..');
const POSIX = process.platform !== 'win32';
const BLOB = join('dist', 'snapshot', 'sheetbook.snapshot.blob');
const uid = process.getuid?.() ?? 'user';

const temporaries: string[] = [];
const temporary = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaries.push(dir);
  return dir;
};

/** Each test's residents get a temporary folder of their own (TMPDIR), so that they can be found and ended. */
function residentEnv(tmp: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, TMPDIR: tmp, SHEETBOOK_RESIDENT: '1', SHEETBOOK_DEBUG: '1', SHEETBOOK_RESIDENT_IDLE_SECONDS: '60', ...extra };
}
const sockets = residentSockets;
const SERVED = 'served by the resident process';

function launch(root: string, env: NodeJS.ProcessEnv, args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(join(root, 'dist', 'cli.js'), args, { encoding: 'utf8', env, cwd });
}
/** The same command in a process of its own. */
function alone(args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, SHEETBOOK_RESIDENT: '0' }, cwd });
}
/** Output without the seconds a run took. */
const steady = (text: string) => text.replace(/（[0-9.]+ 秒）/g, '（… 秒）');

async function until(condition: () => boolean, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

const residentTmps: string[] = [];
afterAll(async () => {
  for (const tmp of residentTmps) await endResidents(tmp);
  for (const dir of temporaries) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(POSIX && !process.env.SHEETBOOK_NO_SNAPSHOT)('the resident process', () => {
  const tmp = temporary('sheetbook-resident-');
  residentTmps.push(tmp);
  const env = residentEnv(tmp);

  it('serves `build` and `validate` from the second run on, with the same bytes, output and exit codes as a process of its own', () => {
    expect(existsSync(join(ROOT, BLOB)), `${BLOB} (npm run build)`).toBe(true);
    const broken = bundledSheet('088');
    broken.costs.settled = 'たくさん';
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': broken });
    const [a, b] = [temporary('sheetbook-out-'), temporary('sheetbook-out-')];
    temporaries.push(dataDir);

    const first = launch(ROOT, env, ['build', '087', '--data', dataDir, '--out', a]);
    expect(first.status, first.stderr).toBe(0);
    expect(sockets(tmp)).toHaveLength(1);
    const served = launch(ROOT, env, ['build', '087', '088', '--data', dataDir, '--out', a]);
    expect(served.stderr).toContain(SERVED);
    expect(alone(['build', '087', '--data', dataDir, '--out', b]).status).toBe(0);
    const own = alone(['build', '087', '088', '--data', dataDir, '--out', b]);
    expect(served.status).toBe(1);
    expect(own.status).toBe(1);
    expect(steady(served.stdout)).toBe(steady(own.stdout));
    expect(served.stderr.replace(`sheetbook: ${SERVED}\n`, '')).toBe(own.stderr);
    expect(served.stdout).toContain('088.yaml');
    expect(readFileSync(join(a, '2021', '087.pdf')).equals(readFileSync(join(b, '2021', '087.pdf')))).toBe(true);
    expect(existsSync(join(a, '2021', '088.pdf'))).toBe(false);

    // validate goes to it too: the same report.
    const checked = launch(ROOT, env, ['validate', dataDir]);
    expect(checked.stderr).toContain(SERVED);
    const checkedAlone = alone(['validate', dataDir]);
    expect(checked.status).toBe(1);
    expect(checkedAlone.status).toBe(1);
    expect(steady(checked.stdout)).toBe(steady(checkedAlone.stdout));

    // Usage errors and help are the command line's own.
    const wrong = launch(ROOT, env, ['build', '08x']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain(alone(['build', '08x']).stderr);
    expect(launch(ROOT, env, ['build', '--help']).stdout).toBe(alone(['build', '--help']).stdout);
  });

  it('works in the folder it is run from, one build at a time when two come at once', async () => {
    const work = [temporary('sheetbook-work-'), temporary('sheetbook-work-')];
    for (const dir of work) cpSync(makeDataDir({ '087.yaml': bundledSheet('087'), '089.yaml': bundledSheet('089') }), join(dir, 'data'), { recursive: true });
    // Relative folders: each build writes into its own folder's output/.
    const runs = work.map(
      (cwd) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(join(ROOT, 'dist', 'cli.js'), ['build', '087', '089'], { cwd, env, stdio: 'ignore' });
          child.on('close', resolve);
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0]);
    for (const dir of work) expect(readdirSync(join(dir, 'output', '2021')).filter((f) => f.endsWith('.pdf')).sort()).toEqual(['087.pdf', '089.pdf']);
  });

  it('builds a whole year in worker threads, and on Ctrl+C dies as the build would, leaving no temporary file', async () => {
    const sheets = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${100 + i}.yaml`, { ...bundledSheet('087'), number: 100 + i }]));
    const dataDir = makeDataDir(sheets);
    temporaries.push(dataDir);
    const out = temporary('sheetbook-out-');
    const whole = launch(ROOT, env, ['build', '--data', dataDir, '--out', out]);
    expect(whole.status, whole.stderr).toBe(0);
    expect(whole.stderr).toContain(SERVED);
    expect(readdirSync(join(out, '2021')).filter((f) => f.endsWith('.pdf'))).toHaveLength(40);

    const again = temporary('sheetbook-out-');
    const child = spawn(join(ROOT, 'dist', 'cli.js'), ['build', '--data', dataDir, '--out', again], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    // Interrupt once the build is under way (its first progress line).
    await until(() => output.includes('シート'), 20_000);
    child.kill('SIGINT');
    const signal = await new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    expect(signal).toBe('SIGINT');
    // The resident ends as the interrupted build would have, and its temporary files go with it.
    expect(await until(() => sockets(tmp).length === 0)).toBe(true);
    const left = existsSync(join(again, '2021')) ? readdirSync(join(again, '2021')).filter((f) => f.endsWith('.tmp')) : [];
    expect(left).toEqual([]);
    // The next build starts a new one.
    expect(launch(ROOT, env, ['build', '100', '--data', dataDir, '--out', again]).status).toBe(0);
    expect(sockets(tmp)).toHaveLength(1);
  }, 60_000);

  it('takes over from a resident that was killed, and ends when idle', async () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    temporaries.push(dataDir);
    const own = temporary('sheetbook-resident-');
    const out = temporary('sheetbook-out-');
    const idle = residentEnv(own, { SHEETBOOK_RESIDENT_IDLE_SECONDS: '2' });
    expect(launch(ROOT, idle, ['build', '087', '--data', dataDir, '--out', out]).status).toBe(0);
    const [socket] = sockets(own);
    const pid = Number(readFileSync(socket.replace(/\.sock$/, '.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    await until(() => !alive(pid));
    expect(existsSync(socket)).toBe(true); // left behind
    const next = launch(ROOT, idle, ['build', '087', '--data', dataDir, '--out', out]);
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toContain(SERVED);
    expect(await until(() => sockets(own).length === 0, 10_000)).toBe(true);
    // Nothing of it is left: no pid file, no folder of its warm-up rounds.
    const leftovers = () => [...readdirSync(own).filter((f) => f !== `sheetbook-${uid}`), ...readdirSync(join(own, `sheetbook-${uid}`))];
    expect(await until(() => leftovers().length === 0)).toBe(true);

    // Ended by a signal (a shutdown): the same.
    expect(launch(ROOT, idle, ['build', '087', '--data', dataDir, '--out', out]).status).toBe(0);
    const next2 = Number(readFileSync(sockets(own)[0].replace(/\.sock$/, '.pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 300)); // into its warm-up rounds
    process.kill(next2, 'SIGTERM');
    expect(await until(() => !alive(next2))).toBe(true);
    expect(leftovers()).toEqual([]);
  }, 30_000);

  it('is not used in a socket folder that others may enter, and says so when killed mid-build', async () => {
    const dataDir = makeDataDir(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${100 + i}.yaml`, { ...bundledSheet('087'), number: 100 + i }])));
    temporaries.push(dataDir);
    const out = temporary('sheetbook-out-');
    const foreign = temporary('sheetbook-resident-');
    mkdirSync(join(foreign, `sheetbook-${uid}`), { mode: 0o755 });
    chmodSync(join(foreign, `sheetbook-${uid}`), 0o755);
    const run = launch(ROOT, residentEnv(foreign), ['build', '100', '--data', dataDir, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(SERVED);
    expect(sockets(foreign)).toEqual([]);
    expect(existsSync(join(out, '2021', '100.pdf'))).toBe(true);

    // The resident killed outright during a build: the client says so (exit 70) rather than claim success.
    const own = temporary('sheetbook-resident-');
    residentTmps.push(own);
    expect(launch(ROOT, residentEnv(own), ['build', '100', '--data', dataDir, '--out', out]).status).toBe(0);
    const pid = Number(readFileSync(sockets(own)[0].replace(/\.sock$/, '.pid'), 'utf8'));
    const child = spawn(join(ROOT, 'dist', 'cli.js'), ['build', '--data', dataDir, '--out', temporary('sheetbook-out-')], { env: residentEnv(own), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (errors += chunk));
    await until(() => output.includes('シート'), 20_000);
    process.kill(pid, 'SIGKILL');
    const code = await new Promise((resolve) => child.on('close', (code) => resolve(code)));
    expect(code).toBe(70);
    expect(errors).toContain('常駐プロセスが、処理の途中で終わりました');
  }, 60_000);

  it('is reached from bash alone, with arguments and output intact, and only with the token of its port file', async () => {
    // A data folder whose path has spaces, quotes and Japanese; a sheet whose error message quotes a backslash.
    const parent = temporary('sheetbook-bash-');
    const dataDir = join(parent, `データ "見本" \\ 100%`);
    const broken = bundledSheet('088');
    broken.costs.settled = 'C:\\予算\\%s';
    cpSync(makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': broken }), dataDir, { recursive: true });
    const out = temporary('sheetbook-out-');
    expect(launch(ROOT, env, ['build', '087', '--data', dataDir, '--out', out]).status).toBe(0);
    const [portFile] = readdirSync(join(tmp, `sheetbook-${uid}`)).filter((f) => f.endsWith('.port'));
    const portPath = join(tmp, `sheetbook-${uid}`, portFile);
    expect(statSync(portPath).mode & 0o777).toBe(0o600);

    // The bash client with no node client to fall back on: it must be served over the port.
    const launcherText = readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8');
    const key = /\bk=([0-9a-f]+)/.exec(launcherText)![1];
    expect(portFile).toBe(`${key}.port`);
    const viaBash = (args: string[]) =>
      spawnSync('/bin/bash', [join(ROOT, 'dist', 'resident', 'client.bash'), '/nonexistent/client.js', join(ROOT, BLOB), '0', key, join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env });
    const checked = viaBash(['validate', join(dataDir, '2021')]);
    const checkedAlone = alone(['validate', join(dataDir, '2021')]);
    expect(checked.status).toBe(1);
    expect(checked.stdout).toBe(checkedAlone.stdout);
    expect(checked.stdout).toContain('C:\\予算\\%s');
    expect(checked.stdout).toContain(join(dataDir, '2021', '088.yaml'));
    expect(checked.stderr).toContain(SERVED);
    const built = viaBash(['build', '087', '--data', dataDir, '--out', out]);
    expect(built.status, built.stderr).toBe(0);

    // Someone without the token is cut off, and the resident goes on serving.
    const [port] = readFileSync(portPath, 'utf8').split(' ');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(['0'.repeat(32), ROOT, '0', '0', '1', '--version', '0', ''].join('\0')));
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(answer).toBe('');
    expect(viaBash(['build', '087', '--data', dataDir, '--out', out]).status).toBe(0);
  });

  it('is not used with SHEETBOOK_RESIDENT=0', () => {
    const own = temporary('sheetbook-resident-');
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    temporaries.push(dataDir);
    const run = launch(ROOT, { ...residentEnv(own), SHEETBOOK_RESIDENT: '0' }, ['build', '087', '--data', dataDir, '--out', temporary('sheetbook-out-')]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(SERVED);
    expect(sockets(own)).toEqual([]);
  });

  it('prints a changed template and font, and is not used once the program changed', async () => {
    // A copy of the package (its libraries shared), with a snapshot and fonts of its own.
    const root = temporary('sheetbook-package-');
    copyPackage(root);
    const families = JSON.parse(readFileSync(join(ROOT, 'fonts', 'fonts.json'), 'utf8'));
    const [regular, bold] = [require.resolve(families.BIZUDPGothic.normal), require.resolve(families.BIZUDPGothic.bold)];
    copyFileSync(regular, join(root, 'fonts', 'regular.ttf'));
    copyFileSync(bold, join(root, 'fonts', 'bold.ttf'));
    writeFileSync(join(root, 'fonts', 'fonts.json'), JSON.stringify({ ...families, BIZUDPGothic: { normal: join(root, 'fonts', 'regular.ttf'), bold: join(root, 'fonts', 'bold.ttf') } }));
    const made = spawnSync(process.execPath, [join(root, 'dist', 'build', 'build-snapshot.js')], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(join(root, BLOB)), made.stderr).toBe(true);

    const own = temporary('sheetbook-resident-');
    residentTmps.push(own);
    const ownEnv = residentEnv(own);
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    temporaries.push(dataDir);
    const out = temporary('sheetbook-out-');
    const pdf = () => readFileSync(join(out, '2021', '087.pdf'));
    const build = () => {
      const run = launch(root, ownEnv, ['build', '087', '--data', dataDir, '--out', out]);
      expect(run.status, run.stderr).toBe(0);
      return run;
    };
    build();
    expect(build().stderr).toContain(SERVED);
    expect((await parsePdf(pdf())).text).toContain('事業の概要');
    const fontNames = () => embeddedFonts(pdf()).map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort();
    expect(fontNames()).toEqual(['BIZUDPGothic-Bold', 'BIZUDPGothic-Regular']);

    // A template edited while the resident runs.
    const partial = join(root, 'templates', 'partials', 'overview.hbs');
    writeFileSync(partial, readFileSync(partial, 'utf8').replace('"事業の概要"', '"事業の概要（改訂見本）"'));
    expect(build().stderr).toContain(SERVED);
    expect((await parsePdf(pdf())).text).toContain('事業の概要（改訂見本）');

    // A font file replaced while the resident runs (the bold face in the regular's place).
    writeFileSync(join(root, 'fonts', 'regular.ttf'), readFileSync(bold));
    expect(build().stderr).toContain(SERVED);
    expect(fontNames()).toEqual(['BIZUDPGothic-Bold', 'BIZUDPGothic-Bold']);

    // The program changed: the resident declines and ends, and the new program runs.
    const [socket] = sockets(own);
    const progress = join(root, 'dist', 'commands', 'progress.js');
    writeFileSync(progress, readFileSync(progress, 'utf8').replace('前回の描画を再利用', '前回の描画を再利用（変えたプログラム）'));
    const changed = build();
    expect(changed.stderr).toContain('declined');
    expect(changed.stderr).not.toContain(SERVED);
    expect(changed.stdout).toContain('（変えたプログラム）');
    expect(await until(() => !existsSync(socket))).toBe(true);
    // The snapshot is made again in the background; then a new resident serves the new program.
    const lock = join(root, 'dist', 'snapshot', 'sheetbook.snapshot.lock');
    await until(() => !existsSync(lock), 60_000);
    build();
    const renewed = build();
    expect(renewed.stderr).toContain(SERVED);
    expect(renewed.stdout).toContain('（変えたプログラム）');
  }, 120_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
