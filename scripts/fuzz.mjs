// `npm run fuzz`: the property-based suite with many runs and a random seed (printed, to replay with FUZZ_SEED=...), and the inputs too big for `npm test` (test/heavy/*.heavy.ts).
import { spawnSync } from 'child_process';

const runs = process.env.FUZZ_RUNS ?? '3000';
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz: ${runs} runs, seed ${seed}`);
const r = spawnSync(process.execPath, ['node_modules/mocha/bin/mocha.js', '--no-config', '-r', './test/register.js', '--extension', 'ts', '--timeout', '0', 'test/robust/properties.test.ts', 'test/heavy/*.heavy.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
});
process.exit(r.status ?? 1);
