// entrypoint-target: the server's `module:callable`, `python -m mod` or `python script.py` does not resolve in the image, or the callable is not defined there.
import type { Analysis } from '../analysis';
import { join, relativeInside } from '../fs';
import { ImportAnalysis, locateInContext, packagePath, parseImageFile } from '../imports';
import { perContainer, running } from '../runtime';
import type { PyFileInfo } from '../python/parser';
import { resolveModule } from '../python/resolver';
import type { Fix, Range } from '../types';
import { chainLocations, entryLabel, sourceOf } from './python-common';
import { argFile, replaceCommandArg } from './command-edits';
import type { ArgRef } from '../entrypoint';
import type { Draft, Rule } from './rule';

export const rule: Rule = {
  id: 'entrypoint-target',
  meta: {
    description: 'The gunicorn/uvicorn/hypercorn/celery target, `python -m` module or `python` script does not resolve in the image, or the callable is not defined in that module.',
    severity: 'error',
    fixable: true,
    docs: {
      why: 'A target that names the wrong module path makes every worker fail to boot ("Failed to find attribute", "No module named"), and the platform reports only a failed health check. The module path must match where the file sits in the image relative to the working directory and sys.path.',
      bad: 'COPY predictions/coordinator/ /app/coordinator/\nCMD exec gunicorn --bind :$PORT coordinator:app',
      good: 'COPY predictions/coordinator/ /app/coordinator/\nCMD exec gunicorn --bind :$PORT coordinator.coordinator:app',
    },
  },
  check(a: Analysis): Draft[] {
    return perContainer(running(a), (ia) => {
      const d = checkTarget(a, ia);
      return d ? [d] : [];
    });
  },
};

function checkTarget(a: Analysis, ia: ImportAnalysis): Draft | undefined {
  const ep = ia.entry.ep;
  const label = entryLabel(ia);
  const target = ep.targetArg;
  const rangeOf = (): Range => target?.range ?? (ia.entry.overridden ? ia.entry.at.range : ia.entry.instr.keywordRange);
  // The command is written in the Dockerfile or in the manifest that overrides it.
  const commandFile = argFile(ia.entry, target)?.file ?? ia.entry.at.file;
  const relatedEntry = chainLocations(a, ia, { chain: [] });

  // python script.py: the file must be in the image.
  if (ep.script && !ia.entryResolution) {
    if (ia.entryFile) return undefined;
    const file = ep.script.startsWith('/') ? ep.script : join(ia.entry.cwd, ep.script);
    if (ia.stage.tree.isUncertain(file)) return undefined;
    const base = file.slice(file.lastIndexOf('/') + 1);
    const candidates = findInImage(ia, (p) => p.endsWith('/' + base));
    const hasSource = locateInContext(ia.target.model.context, base.replace(/\.py$/, ''), undefined) !== undefined || candidates.length > 0;
    if (!hasSource) return undefined;
    const fixes: Fix[] = candidates.length === 1 && target ? rewrite(ia, target, candidates[0], `Run ${candidates[0]}`) : [];
    return {
      message: `${label}: ${file} is not in the image${candidates.length === 1 ? `; the file is at ${candidates[0]}` : ''}`,
      file: commandFile,
      range: rangeOf(),
      related: relatedEntry,
      fixes,
    };
  }
  if (!ep.module || !ia.entryResolution) return undefined;
  const r = ia.entryResolution;
  const moduleText = ep.module;
  const callableSuffix = ep.callable ? `:${ep.callable}${ep.factory && ep.factoryArgs !== undefined ? `(${ep.factoryArgs})` : ''}` : '';
  const withModule = (m: string) => (ep.kind === 'python-module' || ep.kind === 'celery' && !target?.value.includes(':') ? m : m + callableSuffix);

  if (r.status === 'uncertain') return undefined;
  if (r.status === 'missing') {
    // Where is a file that could be this module? Same file name anywhere importable.
    const leaf = moduleText.split('.').pop()!;
    const candidates = importableNames(ia, leaf).filter((m) => m !== moduleText);
    const inContext = locateInContext(ia.target.model.context, moduleText, undefined) ?? locateInContext(ia.target.model.context, leaf, undefined);
    if (!candidates.length && !inContext) return undefined;
    const fixes: Fix[] = candidates.length === 1 && target ? rewrite(ia, target, withModule(candidates[0]), `Change the target to ${withModule(candidates[0])}`) : [];
    return {
      message: `${label}: module '${moduleText}' is not in the image (Python looks in ${ia.entry.sysPath.join(', ')})${candidates.length === 1 ? `; the file is importable as '${candidates[0]}'` : ''}`,
      file: commandFile,
      range: rangeOf(),
      related: relatedEntry,
      fixes,
    };
  }

  // The module loads. Does its own code say it belongs to a package (imports its siblings as `pkg.x`)?
  if (r.kind === 'module' && ia.entryFile && ia.closure) {
    const own = ia.closure.unresolved.find((u) => u.importer === ia.entryFile && u.reason === 'not-a-package' && u.failedAt.split('.').slice(0, -1).join('.') === moduleText);
    const src = sourceOf(ia.stage, ia.entryFile);
    if (own && src) {
      const hit = locateInContext(ia.target.model.context, own.failedAt, src);
      const pkgFolder = hit ? ia.target.model.context.abs(hit.path.slice(0, hit.path.lastIndexOf('/'))) : undefined;
      const rel = pkgFolder ? relativeInside(pkgFolder, src) : undefined;
      if (rel !== undefined) {
        const intended = moduleText + '.' + rel.replace(/\.py$/, '').split('/').join('.');
        const fixes: Fix[] = target ? rewrite(ia, target, withModule(intended), `Change the target to ${withModule(intended)}`) : [];
        return {
          message: `${label} loads ${ia.entryFile} as module '${moduleText}', but that file imports its siblings from the package '${moduleText}' (${own.failedAt}): its module path is '${intended}'`,
          file: commandFile,
          range: rangeOf(),
          related: [...relatedEntry, { file: src, range: own.import.range, message: `${a.rel(src)} imports ${own.failedAt}` }],
          fixes,
        };
      }
    }
  }

  // The module loads, but its relative imports say it lives in a package: name it by its package path.
  if (r.kind === 'module' && ia.entryFile && ia.closure) {
    const rel = ia.closure.unresolved.find((u) => u.importer === ia.entryFile && u.reason === 'no-parent-package' && u.import.guard === 'none');
    const src = sourceOf(ia.stage, ia.entryFile);
    if (rel && src) {
      const { module: intended, root } = packagePath(ia.stage, ia.entryFile);
      if (intended !== moduleText && intended.includes('.')) {
        const onPath = ia.entry.sysPath.includes(root);
        const fixes: Fix[] = onPath && target ? rewrite(ia, target, withModule(intended), `Change the target to ${withModule(intended)}`) : [];
        return {
          message: `${label} loads ${ia.entryFile} as the top-level module '${moduleText}', so its relative import '${rel.dotted}' fails: its module path is '${intended}'${onPath ? '' : ` (with ${root} on sys.path)`}`,
          file: commandFile,
          range: rangeOf(),
          related: [...relatedEntry, { file: src, range: rel.import.range, message: `${a.rel(src)} imports ${rel.dotted}` }],
          fixes,
        };
      }
    }
  }

  // The callable.
  if (!ep.callable || ep.kind === 'python-module' || ep.kind === 'celery') return undefined;
  const info = r.file?.endsWith('.py') ? parseImageFile(a, ia.stage, r.file) : undefined;
  if (r.file && !info) return undefined;
  if (info && (info.hasStarImport || info.hasModuleGetattr || info.topLevelNames.includes(ep.callable))) return undefined;
  if (info && submoduleExists(ia, moduleText, ep.callable)) return undefined;
  // Suggest: a module below a namespace package that defines it, or an app object defined in this module.
  const fixes: Fix[] = [];
  let hint = '';
  if (!info || r.kind === 'namespace') {
    const defs = (r.searchPath ?? []).flatMap((dir) => (ia.stage.tree.readDir(dir) ?? []).filter((n) => n.endsWith('.py')).map((n) => join(dir, n)))
      .filter((f) => parseImageFile(a, ia.stage, f)?.topLevelNames.includes(ep.callable!));
    if (defs.length === 1) {
      const m = moduleText + '.' + defs[0].slice(defs[0].lastIndexOf('/') + 1, -3);
      hint = `; '${ep.callable}' is defined in ${defs[0]} ('${m}${callableSuffix}')`;
      if (target) fixes.push(...rewrite(ia, target, m + callableSuffix, `Change the target to ${m}${callableSuffix}`));
    }
  } else {
    const apps = appObjects(info);
    if (apps.length === 1) {
      const t = `${moduleText}:${apps[0]}`;
      hint = `; it defines '${apps[0]}'`;
      if (target) fixes.push(...rewrite(ia, target, t, `Change the target to ${t}`));
    }
  }
  const where = r.kind === 'namespace' ? `the folder ${r.searchPath?.[0] ?? moduleText} (a namespace package with no code)` : r.file;
  return {
    message: `${label}: '${ep.callable}' is not defined in ${where}${hint}`,
    file: commandFile,
    range: rangeOf(),
    related: relatedEntry,
    fixes,
  };
}

function submoduleExists(ia: ImportAnalysis, module: string, name: string): boolean {
  return resolveModule(ia.view, ia.entry.sysPath, `${module}.${name}`).status === 'found';
}

/** Conventional application names the module defines at top level. */
function appObjects(info: PyFileInfo): string[] {
  return ['app', 'application', 'api', 'server'].filter((n) => info.topLevelNames.includes(n));
}

/** Dotted names under which an image file named `<leaf>.py` (or package `<leaf>/`) is importable from sys.path. */
function importableNames(ia: ImportAnalysis, leaf: string): string[] {
  const out: string[] = [];
  for (const root of ia.entry.sysPath) {
    for (const f of ia.stage.tree.walk(root, 5000)) {
      const rel = relativeInside(root, f);
      if (!rel || !/\.py$/.test(rel)) continue;
      const parts = rel.replace(/\.py$/, '').split('/');
      if (parts[parts.length - 1] === '__init__') parts.pop();
      if (parts[parts.length - 1] !== leaf || parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) continue;
      const dotted = parts.join('.');
      if (resolveModule(ia.view, ia.entry.sysPath, dotted).status === 'found' && !out.includes(dotted)) out.push(dotted);
    }
  }
  return out;
}

function findInImage(ia: ImportAnalysis, pred: (p: string) => boolean): string[] {
  return ia.stage.tree.walk('/', 20000).filter(pred);
}

/** The fix replacing the target argument, keeping its quoting; none when the source text is not the parsed argument. */
function rewrite(ia: ImportAnalysis, target: ArgRef, value: string, title: string): Fix[] {
  const edit = replaceCommandArg(ia.entry, target, value);
  return edit ? [{ title, edits: [edit], isPreferred: true }] : [];
}

