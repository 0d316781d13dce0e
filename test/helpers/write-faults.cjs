// Preloaded into a sheetbook process (`node --require write-faults.cjs dist/cli.js …`) to make the file system fail
// the way a full, broken or busy disk does, for one file chosen by name. Plain JavaScript: node loads it before
// anything is compiled. Set SHEETBOOK_FAULT to JSON: { "file": "booklet.pdf", "fault": "<kind>" }, where <kind> is
//   short        every write takes at most 4 KiB and reports it (the caller must loop)
//   enospc       the first write takes half the bytes and reports it; every later one fails with ENOSPC (a disk
//                filling up, as Linux reports it)
//   zero         every write takes nothing and reports 0
//   eio          the first write fails with EIO
//   fsync        fsync fails with EIO
//   rename       renaming onto the file fails with EBUSY (a file held open by a viewer, as Windows does)
//   kill         the first write takes half the bytes, then the process is killed with SIGKILL (`kill -9` in the
//                middle of writing the file)
// `file` is matched against the base name of the file written (the temporary file beside it holds that name too:
// `.booklet.pdf.<pid>.tmp`) and of the rename's target. `*.v8` matches by the end of the name.
'use strict';
const fs = require('node:fs');
const { basename } = require('node:path');

const spec = JSON.parse(process.env.SHEETBOOK_FAULT || '{}');
const matches = (path) => {
  const name = basename(String(path));
  const plain = /^\.(.+)\.[0-9]+\.tmp$/.exec(name)?.[1] ?? name;
  return spec.file.startsWith('*') ? plain.endsWith(spec.file.slice(1)) : plain === spec.file;
};
const failure = (code, errno, syscall) => Object.assign(new Error(`${code}: injected failure, ${syscall}`), { code, errno, syscall });

if (spec.file && spec.fault) {
  const tracked = new Map(); // fd → bytes written so far
  const { openSync, closeSync, writeSync, fsyncSync, renameSync } = fs;
  fs.openSync = function (path, ...rest) {
    const fd = openSync.call(this, path, ...rest);
    if (matches(path)) tracked.set(fd, 0);
    return fd;
  };
  fs.closeSync = function (fd) {
    tracked.delete(fd);
    return closeSync.call(this, fd);
  };
  fs.writeSync = function (fd, buffer, ...rest) {
    if (!tracked.has(fd) || typeof buffer === 'string') return writeSync.call(this, fd, buffer, ...rest);
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : buffer.byteLength - offset;
    const calls = tracked.get(fd);
    tracked.set(fd, calls + 1);
    const take = (count) => writeSync.call(this, fd, buffer, offset, count);
    switch (spec.fault) {
      case 'short':
        return take(Math.min(length, 4096));
      case 'enospc':
        if (calls === 0) return take(Math.floor(length / 2));
        throw failure('ENOSPC', -28, 'write');
      case 'zero':
        return 0;
      case 'kill':
        take(Math.floor(length / 2));
        process.kill(process.pid, 'SIGKILL');
        // SIGKILL is delivered at once; nothing after it runs.
        return 0;
      case 'eio':
        throw failure('EIO', -5, 'write');
      default:
        return writeSync.call(this, fd, buffer, ...rest);
    }
  };
  fs.fsyncSync = function (fd) {
    if (tracked.has(fd) && spec.fault === 'fsync') throw failure('EIO', -5, 'fsync');
    return fsyncSync.call(this, fd);
  };
  fs.renameSync = function (from, to) {
    if (spec.fault === 'rename' && matches(to) && String(from).endsWith('.tmp')) {
      throw Object.assign(failure('EBUSY', -16, 'rename'), { path: from, dest: to });
    }
    return renameSync.call(this, from, to);
  };
}
