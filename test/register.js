// Lets mocha load TypeScript test and source files directly, transpiled by esbuild (type checking is `npm run typecheck`).
const fs = require('fs');
const { transformSync } = require('esbuild');

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
  });
  module._compile(code, filename);
};
