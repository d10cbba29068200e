// The CLI model: click groups/commands, typer apps and argparse subparsers read from the parse, and the subcommand an argv selects.
import { strict as assert } from 'assert';
import { initPython, parsePython } from '../../../server/src/core/python/parser';
import { CliFile, CliModel, defaultCommandNames, describe as describePath, selectCommand } from '../../../server/src/core/python/cli';

before(async () => {
  await initPython();
});

function model(files: Record<string, [string | undefined, string]>): CliModel {
  const m = new Map<string, CliFile>();
  for (const [p, [module, src]] of Object.entries(files)) m.set(p, { info: parsePython(src), ...(module ? { module } : {}) });
  return new CliModel(m);
}

/** The entry's CLI, the argv's selection: the path, the function it runs, the values read, the failure. */
function select(files: Record<string, [string | undefined, string]>, entry: { file: string; func?: string }, argv: string[]) {
  const cli = model(files).entryCli(entry.file, entry.func);
  if (!cli) return undefined;
  const s = selectCommand(cli.cli, argv);
  const last = s.path[s.path.length - 1];
  return {
    path: describePath(s.path), fn: last.fn ? `${last.fn.file}#${last.fn.name}` : undefined, program: last.program, restFrom: s.restFrom,
    values: Object.fromEntries([...s.values].map(([k, v]) => [k, v.value])),
    noSuch: s.noSuchCommand ? `${s.noSuchCommand.name}${s.noSuchCommand.suggestion ? ` -> ${s.noSuchCommand.suggestion}` : ''}${s.noSuchCommand.certain ? '' : ` (uncertain: ${s.noSuchCommand.why})`}` : undefined,
    uncertain: s.uncertain,
  };
}

const CLICK = [
  'import click',
  'import uvicorn',
  'from uvicorn import main as uvicorn_main',
  '',
  '@click.group()',
  '@click.option("--config", "-c", default="app.toml")',
  '@click.option("--verbose", is_flag=True)',
  'def ops_cli(config, verbose):',
  '    pass',
  '',
  '@ops_cli.group("server")',
  'def server_group():',
  '    pass',
  '',
  '@server_group.command()',
  '@click.option("--port", default=8000, type=int)',
  '@click.option("--host", default="127.0.0.1")',
  'def start_now(host, port):',
  '    uvicorn.run("pkg.main:app", host=host, port=port)',
  '',
  '@server_group.command("routes")',
  'def show_routes():',
  '    pass',
  '',
  'server_group.add_command(uvicorn_main, name="uvicorn")',
  '',
  'def entrypoint():',
  '    ops_cli()',
].join('\n');

describe('python/cli', () => {
  it('click >= 7 names a command after its function with dashes; 8.2 also drops a _command/_cmd/_group/_grp suffix', () => {
    assert.deepEqual(defaultCommandNames('start_now', 'click'), ['start-now']);
    assert.deepEqual(defaultCommandNames('db_group', 'click'), ['db-group', 'db']);
    assert.deepEqual(defaultCommandNames('serve_cmd', 'typer'), ['serve-cmd']);
  });

  it('follows a console script function that calls a click group, through a nested group, skipping group options with values', () => {
    const files = { '/app/pkg/cli.py': ['pkg.cli', CLICK] as [string, string] };
    assert.deepEqual(select(files, { file: '/app/pkg/cli.py', func: 'entrypoint' }, ['-c', 'prod.toml', '--verbose', 'server', 'start-now', '--port', '9000']), {
      path: 'server start-now', fn: '/app/pkg/cli.py#start_now', program: undefined, restFrom: 5, values: { port: '9000' }, noSuch: undefined, uncertain: undefined,
    });
  });

  it('a misspelt subcommand of a fully known group is "No such command", with the close name', () => {
    const files = { '/app/pkg/cli.py': ['pkg.cli', CLICK] as [string, string] };
    assert.equal(select(files, { file: '/app/pkg/cli.py', func: 'entrypoint' }, ['server', 'rotes'])?.noSuch, 'rotes -> routes');
    assert.equal(select(files, { file: '/app/pkg/cli.py', func: 'entrypoint' }, ['serve', 'start'])?.noSuch, 'serve -> server');
  });

  it('add_command(uvicorn.main, name=...) mounts uvicorn\'s own CLI: the rest of the argv is uvicorn\'s', () => {
    const files = { '/app/pkg/cli.py': ['pkg.cli', CLICK] as [string, string] };
    const r = select(files, { file: '/app/pkg/cli.py', func: 'entrypoint' }, ['server', 'uvicorn', 'pkg.main:app', '--host', '0.0.0.0']);
    assert.equal(r?.program, 'uvicorn');
    assert.equal(r?.restFrom, 2);
  });

  it('an option of unknown arity, --help, or a group without a subcommand: uncertain, not guessed', () => {
    const files = { '/app/pkg/cli.py': ['pkg.cli', CLICK] as [string, string] };
    assert.match(select(files, { file: '/app/pkg/cli.py', func: 'entrypoint' }, ['--debug', 'server'])?.uncertain ?? '', /--debug is not one the model knows/);
    assert.match(select(files, { file: '/app/pkg/cli.py', func: 'entrypoint' }, ['server', '--help'])?.uncertain ?? '', /prints the help/);
    assert.match(select(files, { file: '/app/pkg/cli.py', func: 'entrypoint' }, ['server'])?.uncertain ?? '', /no subcommand/);
  });

  it('a command added at run time (in a loop, a function, from a plugin) makes "No such command" uncertain', () => {
    const src = [
      'import click',
      '@click.group()',
      'def cli():',
      '    pass',
      '@cli.command()',
      'def serve():',
      '    pass',
      'def load_plugins():',
      '    for ep in entry_points():',
      '        cli.add_command(ep.load())',
    ].join('\n');
    const r = select({ '/app/m.py': ['m', src] }, { file: '/app/m.py', func: 'cli' }, ['srve']);
    assert.equal(r?.noSuch, 'srve -> serve (uncertain: cli.add_command() is called inside load_plugins)');
    const loop = ['import click', '@click.group()', 'def cli():', '    pass', '@cli.command()', 'def serve():', '    pass', 'for extra in PLUGINS:', '    cli.add_command(extra)'].join('\n');
    assert.equal(select({ '/app/m.py': ['m', loop] }, { file: '/app/m.py', func: 'cli' }, ['srve'])?.noSuch, 'srve -> serve (uncertain: cli.add_command() is called in a loop)');
  });

  it('typer: @app.command("name"), add_typer(sub, name=...), parameter defaults and typer.Option flags', () => {
    const sub = [
      'import typer',
      'db = typer.Typer()',
      '@db.command()',
      'def upgrade(revision: str = "head"):',
      '    pass',
    ].join('\n');
    const main = [
      'import typer',
      'from typing import Annotated',
      'from .db import db',
      'app = typer.Typer()',
      'app.add_typer(db, name="database")',
      '@app.command("serve")',
      'def run_server(port: int = typer.Option(8080, "--port", "-p"), reload: bool = False, host: Annotated[str, typer.Option("--bind-host")] = "0.0.0.0"):',
      '    pass',
      '@app.command()',
      'def seed_data():',
      '    pass',
    ].join('\n');
    const files = { '/app/svc/main.py': ['svc.main', main] as [string, string], '/app/svc/db.py': ['svc.db', sub] as [string, string] };
    assert.deepEqual(select(files, { file: '/app/svc/main.py', func: 'app' }, ['serve', '--reload', '-p', '9000', '--bind-host', '127.0.0.1']), {
      path: 'serve', fn: '/app/svc/main.py#run_server', program: undefined, restFrom: 1, values: { reload: 'true', port: '9000', host: '127.0.0.1' }, noSuch: undefined, uncertain: undefined,
    });
    assert.equal(select(files, { file: '/app/svc/main.py', func: 'app' }, ['database', 'upgrade'])?.fn, '/app/svc/db.py#upgrade');
    assert.equal(select(files, { file: '/app/svc/main.py', func: 'app' }, ['seed_data'])?.noSuch, 'seed_data -> seed-data');
  });


  it('typer: app.command("serve")(serve_command) registers like the decorator (study: private-gpt\'s CLI was "its commands: help")', () => {
    const cmds = ['import typer', 'def serve_command(port: int = 8001, reload: bool = False):', '    pass', 'def run_command(path: str):', '    pass'].join('\n');
    const main = [
      'import typer',
      'from svc.commands import serve_command, run_command',
      'app = typer.Typer()',
      'app.command("serve")(serve_command)',
      'app.command()(run_command)',
      'def later():',
      '    app.command("late")(run_command)',
      '@app.command("help")',
      'def help_command():',
      '    pass',
    ].join('\n');
    const files = { '/app/svc/main.py': ['svc.main', main] as [string, string], '/app/svc/commands.py': ['svc.commands', cmds] as [string, string] };
    assert.deepEqual(select(files, { file: '/app/svc/main.py', func: 'app' }, ['serve', '--port', '9000', '--reload']), {
      path: 'serve', fn: '/app/svc/commands.py#serve_command', program: undefined, restFrom: 1, values: { port: '9000', reload: 'true' }, noSuch: undefined, uncertain: undefined,
    });
    assert.equal(select(files, { file: '/app/svc/main.py', func: 'app' }, ['run-command', 'x'])?.fn, '/app/svc/commands.py#run_command');
    // registered inside a function: the app may have commands the model cannot list, so a wrong name is not certain
    assert.equal(select(files, { file: '/app/svc/main.py', func: 'app' }, ['serv'])?.noSuch, 'serv -> serve (uncertain: app.command(...)(...) is called inside later)');
  });
  it('typer: an app with one command and no callback runs it without its name; typer.run(fn) likewise', () => {
    const one = ['import typer', 'app = typer.Typer()', '@app.command()', 'def serve(port: int = 8000):', '    pass'].join('\n');
    const lone = select({ '/app/m.py': ['m', one] }, { file: '/app/m.py', func: 'app' }, ['--port', '7000']);
    assert.deepEqual([lone?.values, lone?.fn, lone?.path], [{ port: '7000' }, '/app/m.py#serve', 'the CLI']);
    const run = ['import typer', 'def main(port: int = 8000):', '    pass', 'if __name__ == "__main__":', '    typer.run(main)'].join('\n');
    assert.equal(select({ '/app/m.py': ['m', run] }, { file: '/app/m.py' }, ['--port', '7000'])?.fn, '/app/m.py#main');
  });

  it('argparse: add_subparsers + add_parser (aliases) + set_defaults(func=...), the parent options before the subcommand, long-option prefixes', () => {
    const src = [
      'import argparse',
      'def serve(args):',
      '    pass',
      'def migrate(args):',
      '    pass',
      'def main():',
      '    parser = argparse.ArgumentParser()',
      '    parser.add_argument("--verbose", action="store_true")',
      '    subs = parser.add_subparsers(dest="command", required=True)',
      '    p = subs.add_parser("serve", aliases=["run"])',
      '    p.add_argument("--port", type=int, default=8000)',
      '    p.add_argument("--host", default="127.0.0.1")',
      '    p.set_defaults(func=serve)',
      '    m = subs.add_parser("migrate")',
      '    m.set_defaults(func=migrate)',
      '    args = parser.parse_args()',
      '    args.func(args)',
    ].join('\n');
    const files = { '/app/tool.py': ['tool', src] as [string, string] };
    assert.deepEqual(select(files, { file: '/app/tool.py', func: 'main' }, ['--verbose', 'run', '--po', '9000']), {
      path: 'serve', fn: '/app/tool.py#serve', program: undefined, restFrom: 2, values: { verbose: 'true', port: '9000' }, noSuch: undefined, uncertain: undefined,
    });
    assert.equal(select(files, { file: '/app/tool.py', func: 'main' }, ['serv'])?.noSuch, 'serv -> serve');
  });

  it('argparse built in a helper the entry calls (main() -> run(argv) -> parse_args(argv)): the entry\'s CLI all the same', () => {
    const src = [
      'import argparse',
      'import sys',
      'def parse_args(argv):',
      '    parser = argparse.ArgumentParser()',
      '    subs = parser.add_subparsers(dest="command")',
      '    subs.add_parser("dashboard")',
      '    subs.add_parser("compile")',
      '    return parser.parse_args(argv[1:])',
      'def run(argv):',
      '    args = parse_args(argv)',
      '    return ACTIONS[args.command](args)',
      'def main():',
      '    return run(sys.argv)',
    ].join('\n');
    const files = { '/app/tool/__main__.py': ['tool.__main__', src] as [string, string] };
    assert.deepEqual([select(files, { file: '/app/tool/__main__.py', func: 'main' }, ['dashboard', '/config'])?.path, select(files, { file: '/app/tool/__main__.py', func: 'main' }, ['dashbord'])?.noSuch],
      ['dashboard', 'dashbord -> dashboard']);
  });
});
