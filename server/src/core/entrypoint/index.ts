// The entrypoint model: CMD/ENTRYPOINT (plus overrides and entrypoint scripts) -> server kind, target, bind, timeout, sys.path.
export * from './shell';
export * from './combine';
export * from './parse';
export type { ScriptAnalysis, ScriptArg, ScriptOptions } from './script';
export { analyzeScript } from './script';
