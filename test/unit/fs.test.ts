// Path helpers and the in-memory / overlay file systems.
import { strict as assert } from 'assert';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { DiskFileSystem, MemoryFileSystem, OverlayFileSystem, join, normalize, relativeInside, dirname, decodeText, toPosix } from '../../server/src/core/fs';

describe('fs', () => {
  it('normalises POSIX paths', () => {
    assert.equal(normalize('/app/./a/../b//c'), '/app/b/c');
    assert.equal(normalize('/..'), '/');
    assert.equal(join('/app', 'x/', '../y.py'), '/app/y.py');
    assert.equal(dirname('/a'), '/');
    assert.equal(relativeInside('/a/b', '/a/b/c/d'), 'c/d');
    assert.equal(relativeInside('/a/b', '/a/bc'), undefined);
  });

  it('implies folders in the memory tree', () => {
    const fs = new MemoryFileSystem({ '/r/a/b.py': 'x', '/r/c.txt': 'y' });
    assert.deepEqual(fs.readDir('/r'), ['a', 'c.txt']);
    assert.deepEqual(fs.stat('/r/a'), { kind: 'dir', size: 0 });
    assert.deepEqual(fs.read('/r/a/b.py'), { text: 'x' });
    assert.deepEqual(fs.read('/r/nope'), { problem: 'missing' });
  });

  it('overlays open buffers, including unsaved new files', () => {
    const base = new MemoryFileSystem({ '/r/a.py': 'old' });
    const o = new OverlayFileSystem(base);
    o.set('/r/a.py', 'new');
    o.set('/r/b.py', 'fresh');
    assert.deepEqual(o.read('/r/a.py'), { text: 'new' });
    assert.deepEqual(o.readDir('/r'), ['a.py', 'b.py']);
    o.delete('/r/a.py');
    assert.deepEqual(o.read('/r/a.py'), { text: 'old' });
  });

  it('says why bytes are not text', () => {
    assert.deepEqual(decodeText(new Uint8Array([0x61, 0, 0x62])), { problem: 'binary' });
    assert.deepEqual(decodeText(new Uint8Array([0xff, 0xfe, 0x41])), { problem: 'not-utf8' });
    assert.deepEqual(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), { text: 'A' });
  });

  it('on disk, answers a name missing from a folder listed in this pass without asking the disk, and asks again after beginPass', () => {
    const dir = toPosix(nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'deploylint-fs-'))));
    try {
      nodeFs.mkdirSync(dir + '/pkg');
      nodeFs.writeFileSync(dir + '/pkg/a.py', 'A = 1\n');
      const fs = new DiskFileSystem([dir]);
      assert.deepEqual(fs.readDir(dir + '/pkg'), ['a.py']);
      // Created after the listing: this pass still sees the folder as listed (files do not change while one lint runs).
      nodeFs.writeFileSync(dir + '/pkg/b.py', 'B = 2\n');
      assert.equal(fs.stat(dir + '/pkg/b.py'), undefined);
      assert.deepEqual(fs.read(dir + '/pkg/b.py'), { problem: 'missing' });
      assert.equal(fs.isSymlink(dir + '/pkg/b.py'), false);
      assert.deepEqual(fs.stat(dir + '/pkg/a.py')?.kind, 'file');
      assert.deepEqual(fs.stat(dir + '/pkg/../pkg/a.py')?.kind, 'file');
      fs.beginPass();
      assert.deepEqual(fs.stat(dir + '/pkg/b.py'), { kind: 'file', size: 6 });
      assert.deepEqual(fs.read(dir + '/pkg/b.py'), { text: 'B = 2\n' });
      // A folder not listed: the disk is asked.
      const other = new DiskFileSystem([dir]);
      assert.deepEqual(other.read(dir + '/pkg/b.py'), { text: 'B = 2\n' });
    } finally {
      nodeFs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
