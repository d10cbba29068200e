// Servers started from code: reachable from the entry function, host/port resolved from literals, assignments and the environment.
import { strict as assert } from 'assert';
import { initPython, parsePython } from '../../../server/src/core/python/parser';
import { ServerFile, ServersInput, serverStarts } from '../../../server/src/core/python/servers';
import type { ShellEnv } from '../../../server/src/core/entrypoint/shell';
import type { Range } from '../../../server/src/core/types';

before(async () => {
  await initPython();
});

const fmt = (r: Range): string => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Files `{ path: [module, source] }`, entry and env -> compact server starts. */
function starts(files: Record<string, [string | undefined, string]>, entry: ServersInput['entry'], env: ShellEnv = {}) {
  const m = new Map<string, ServerFile>();
  for (const [p, [module, src]] of Object.entries(files)) m.set(p, { info: parsePython(src), ...(module ? { module } : {}) });
  return serverStarts({ files: m, entry, env }).map((s) => ({
    server: s.server, host: s.bind.host, port: s.bind.port, unresolved: s.bind.unresolved ?? false, isDefault: s.bind.isDefault,
    hostAt: s.host ? `${s.host.kind}@${s.host.file}:${fmt(s.host.range)}` : undefined,
    portAt: s.port ? `${s.port.kind}@${fmt(s.port.range)}` : undefined,
    via: s.via.map((v) => `${v.file}#${v.fn ?? ''}`).join(' > '),
  }));
}

const CLI = [
  'import os',
  'import uvicorn',
  '',
  'def main():',
  '    uvicorn.run("svc.app:app", host=os.getenv("HOST", "127.0.0.1"), port=int(os.getenv("PORT", "8000")))',
].join('\n');

describe('python/servers', () => {
  it('a console script\'s main() binds loopback through a getenv default: the default literal is where to fix it', () => {
    const r = starts({ '/app/svc/cli.py': ['svc.cli', CLI] }, { file: '/app/svc/cli.py', func: 'main' });
    assert.deepEqual(r, [{
      server: 'uvicorn', host: '127.0.0.1', port: '8000', unresolved: false, isDefault: false,
      hostAt: 'env-default@/app/svc/cli.py:4:54-4:65', portAt: 'env-default@4:95-4:101', via: '/app/svc/cli.py#main',
    }]);
  });

  it('the container env decides: a value overrides the default; set-but-unknown is unresolved', () => {
    const f = { '/app/svc/cli.py': ['svc.cli', CLI] as [string, string] };
    const set = starts(f, { file: '/app/svc/cli.py', func: 'main' }, { HOST: '0.0.0.0' })[0];
    assert.deepEqual([set.host, set.port, set.hostAt], ['0.0.0.0', '8000', 'env@/app/svc/cli.py:4:4-4:104']);
    const unknown = starts(f, { file: '/app/svc/cli.py', func: 'main' }, { HOST: '0.0.0.0', PORT: undefined })[0];
    assert.deepEqual([unknown.host, unknown.port, unknown.unresolved], ['0.0.0.0', undefined, true]);
  });

  it('follows calls into functions of the same and imported modules, up to a depth', () => {
    const files: Record<string, [string | undefined, string]> = {
      '/app/main.py': [undefined, 'from svc.server import serve_forever\n\ndef main():\n    serve_forever()\n\nif __name__ == "__main__":\n    main()\n'],
      '/app/svc/server.py': ['svc.server', 'from . import web\n\ndef serve_forever():\n    web.start(port=9000)\n'],
      '/app/svc/web.py': ['svc.web', 'from flask import Flask\napp = Flask(__name__)\n\ndef start(port):\n    app.run(port=port)\n'],
    };
    const r = starts(files, { file: '/app/main.py', main: true });
    assert.deepEqual(r.map((x) => [x.server, x.host, x.port, x.unresolved, x.via]), [
      ['flask', '127.0.0.1', undefined, true, '/app/main.py# > /app/main.py#main > /app/svc/server.py#serve_forever > /app/svc/web.py#start'],
    ]);
    // Imported as a module (not __main__), the main guard does not run.
    assert.deepEqual(starts(files, { file: '/app/main.py' }), []);
    const shallow = new Map<string, ServerFile>(Object.entries(files).map(([p, [m, s]]) => [p, { info: parsePython(s), ...(m ? { module: m } : {}) }]));
    assert.deepEqual(serverStarts({ files: shallow, entry: { file: '/app/main.py', main: true }, env: {}, maxDepth: 2 }), []);
  });

  it('Flask app.run() defaults to 127.0.0.1:5000, and a module-level HOST assignment is followed', () => {
    const src = 'import os\nfrom flask import Flask\napp = Flask(__name__)\nHOST = os.environ.get("BIND_HOST", "0.0.0.0")\nif __name__ == "__main__":\n    app.run()\n    app.run(HOST, 8080)\n';
    const r = starts({ '/app/app.py': [undefined, src] }, { file: '/app/app.py', main: true });
    assert.deepEqual(r.map((x) => [x.server, x.host, x.port, x.isDefault, x.hostAt]), [
      ['flask', '127.0.0.1', '5000', true, 'server-default@/app/app.py:5:4-5:13'],
      ['flask', '0.0.0.0', '8080', false, 'env-default@/app/app.py:3:35-3:44'],
    ]);
  });

  it('waitress, aiohttp, gradio (with its env), socketio and hypercorn', () => {
    const cases: [string, ShellEnv, [string, string | undefined, string | undefined]][] = [
      ['from waitress import serve\nfrom app import app\nserve(app, listen="*:8080")\n', {}, ['waitress', '0.0.0.0', '8080']],
      ['import waitress\nwaitress.serve(app)\n', {}, ['waitress', '0.0.0.0', '8080']],
      ['from aiohttp import web\nweb.run_app(make_app(), port=8081)\n', {}, ['aiohttp', '0.0.0.0', '8081']],
      ['import gradio as gr\ndemo = gr.Interface(fn=f, inputs="text", outputs="text")\ndemo.queue().launch()\n', {}, ['gradio', '127.0.0.1', '7860']],
      ['import gradio as gr\ndemo = gr.Blocks()\ndemo.launch()\n', { GRADIO_SERVER_NAME: '0.0.0.0' }, ['gradio', '0.0.0.0', '7860']],
      ['from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\nsocketio.run(app, "0.0.0.0", port=5001)\n', {}, ['socketio', '0.0.0.0', '5001']],
      ['import asyncio\nfrom hypercorn.asyncio import serve\nfrom hypercorn.config import Config\nconfig = Config()\nconfig.bind = ["0.0.0.0:8000"]\nasyncio.run(serve(app, config))\n', {}, ['hypercorn', '0.0.0.0', '8000']],
      ['import asyncio\nfrom hypercorn.asyncio import serve\nfrom hypercorn.config import Config\nconfig = Config()\nasyncio.run(serve(app, config))\n', {}, ['hypercorn', '127.0.0.1', '8000']],
      ['import asyncio\nfrom hypercorn.asyncio import serve\nfrom hypercorn.config import Config\nconfig = Config.from_toml("h.toml")\nasyncio.run(serve(app, config))\n', {}, ['hypercorn', undefined, undefined]],
      ['import subprocess, asyncio\nsubprocess.run(["ls"])\nasyncio.run(main())\n', {}, ['', undefined, undefined]],
      // uvicorn's programmatic API (study h5 R6: lnbits): Config's host/port once a Server runs it; a Config alone starts nothing.
      ['import uvicorn\nconfig = uvicorn.Config("svc.app:app", host="0.0.0.0", port=5000)\nuvicorn.Server(config=config).run()\n', {}, ['uvicorn', '0.0.0.0', '5000']],
      ['from uvicorn import Config, Server\nserver = Server(Config("svc.app:app"))\nserver.run()\n', {}, ['uvicorn', '127.0.0.1', '8000']],
      ['import uvicorn\nconfig = uvicorn.Config("svc.app:app", host="0.0.0.0")\n', {}, ['', undefined, undefined]],
      // A local class's own launch() (study h6: Whisper-WebUI): not Gradio's; the Gradio call inside it is the server.
      ['import gradio as gr\nclass App:\n    def __init__(self): self.ui = gr.Blocks()\n    def launch(self): print("up")\nrunner = App()\nrunner.launch()\n', {}, ['', undefined, undefined]],
      ['import gradio as gr\nclass App:\n    def launch(self): print("up")\nApp().launch()\n', {}, ['', undefined, undefined]],
      ['import gradio as gr\nclass App:\n    def __init__(self): self.ui = gr.Blocks()\n    def launch(self): self.ui.launch(server_name="0.0.0.0")\nrunner = App()\nrunner.launch()\n', {}, ['gradio', '0.0.0.0', '7860']],
      // Bound to something else (the Blocks object itself): Gradio's.
      ['import gradio as gr\nclass App:\n    def launch(self): pass\nrunner = gr.Blocks()\nrunner.launch()\n', {}, ['gradio', '127.0.0.1', '7860']],
    ];
    for (const [src, env, [server, host, port]] of cases) {
      const r = starts({ '/app/x.py': [undefined, src] }, { file: '/app/x.py', main: true }, env);
      assert.deepEqual(r.map((x) => [x.server, x.host, x.port]), server ? [[server, host, port]] : [], src);
    }
  });

  it('the standard library: http.server and socketserver servers bind their (host, port) tuple, wsgiref make_server its arguments', () => {
    const cases: [string, ShellEnv, [string, string | undefined, string | undefined] | undefined][] = [
      ['from http.server import HTTPServer, BaseHTTPRequestHandler\nhttpd = HTTPServer(("localhost", 8080), BaseHTTPRequestHandler)\nhttpd.serve_forever()\n', {}, ['socketserver', 'localhost', '8080']],
      ['import http.server\nimport os\nPORT = int(os.environ.get("PORT", 8000))\nwith http.server.ThreadingHTTPServer(("", PORT), H) as s:\n    s.serve_forever()\n', { PORT: '8080' }, ['socketserver', '0.0.0.0', '8080']],
      ['from http import server\nserver.HTTPServer(("0.0.0.0", 9000), H).serve_forever()\n', {}, ['socketserver', '0.0.0.0', '9000']],
      ['import socketserver\naddr = ("127.0.0.1", 7000)\nsocketserver.TCPServer(addr, H).serve_forever()\n', {}, ['socketserver', '127.0.0.1', '7000']],
      ['import socketserver\nsocketserver.TCPServer(get_address(), H).serve_forever()\n', {}, ['socketserver', undefined, undefined]],
      ['from wsgiref.simple_server import make_server\nmake_server("", int(os.getenv("PORT", "8000")), app).serve_forever()\n', {}, ['wsgiref', '0.0.0.0', '8000']],
      ['from wsgiref import simple_server\nsimple_server.make_server("127.0.0.1", 8051, app).serve_forever()\n', {}, ['wsgiref', '127.0.0.1', '8051']],
      // Near misses: a class of the same name from elsewhere, and make_server of another library, are not these servers.
      ['from myproxy import HTTPServer\nHTTPServer(("localhost", 8080)).run()\n', {}, undefined],
      ['from werkzeug.serving import make_server\nmake_server("127.0.0.1", 5000, app).serve_forever()\n', {}, undefined],
    ];
    for (const [src, env, want] of cases) {
      const r = starts({ '/app/x.py': [undefined, src] }, { file: '/app/x.py', main: true }, env);
      assert.deepEqual(r.map((x) => [x.server, x.host, x.port]), want ? [want] : [], src);
    }
    const at = starts({ '/app/x.py': [undefined, 'from http.server import HTTPServer\nHTTPServer(("localhost", 8080), H).serve_forever()\n'] }, { file: '/app/x.py', main: true })[0];
    assert.deepEqual([at.hostAt, at.portAt, at.isDefault], ['literal@/app/x.py:1:12-1:23', 'literal@1:25-1:29', false]);
  });

  it('a ** or * argument may hold host and port: unknown and uncertain, not the default; explicit ones still count. gRPC add_insecure_port is a listener', () => {
    const one = (src: string) => {
      const m = new Map<string, ServerFile>([['/app/x.py', { info: parsePython(src) }]]);
      return serverStarts({ files: m, entry: { file: '/app/x.py', main: true }, env: {} }).map((x) => [x.server, x.bind.host, x.bind.port, x.bind.unresolved ?? false, x.bind.uncertain]);
    };
    assert.deepEqual(one('import uvicorn\nopts = {"host": "0.0.0.0", "port": 8001}\nuvicorn.run(app, **opts)\n'), [['uvicorn', undefined, undefined, true, 'uvicorn.run() is given **opts, which may set its host and port']]);
    assert.deepEqual(one('import uvicorn\nuvicorn.run(app, host="127.0.0.1", port=8001, **extra)\n'), [['uvicorn', '127.0.0.1', '8001', false, undefined]]);
    assert.deepEqual(one('from flask import Flask\napp = Flask(__name__)\napp.run(*ADDRESS)\n'), [['flask', undefined, undefined, true, "Flask's app.run() is given *ADDRESS, which may set its host and port"]]);
    assert.deepEqual(one('import grpc\nserver = grpc.server(pool)\nserver.add_insecure_port("[::]:50051")\nserver.start()\n'), [['grpc', '::', '50051', false, undefined]]);
    assert.deepEqual(one('import grpc\nserver = grpc.server(pool)\nserver.add_insecure_port(f"[::]:{port}")\n'), [['grpc', undefined, undefined, true, undefined]]);
    assert.deepEqual(one('server.add_insecure_port("[::]:50051")\n'), []);
  });

  it('a settings object: a pydantic BaseSettings field default, overridden by an environment variable of its name (any case); a class configured otherwise, or set in __init__, is unknown', () => {
    const settings = 'from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    API_HOST: str = "0.0.0.0"\n    API_PORT: int = 9000\n\nsettings = Settings()\n';
    const main = 'import uvicorn\nfrom app.settings import settings\n\nif __name__ == "__main__":\n    uvicorn.run("app.web:app", host=settings.API_HOST, port=settings.API_PORT)\n';
    const run = (settingsSrc: string, env: ShellEnv = {}) => {
      const m = new Map<string, ServerFile>([['/srv/main.py', { info: parsePython(main) }], ['/srv/app/settings.py', { info: parsePython(settingsSrc), module: 'app.settings' }]]);
      return serverStarts({ files: m, entry: { file: '/srv/main.py', main: true }, env }).map((x) => [x.bind.host, x.bind.port, x.port?.kind, x.port?.setting?.name]);
    };
    assert.deepEqual(run(settings), [['0.0.0.0', '9000', 'setting', 'Settings.API_PORT']]);
    assert.deepEqual(run(settings, { api_port: '8000' }), [['0.0.0.0', '8000', 'env', undefined]]);
    assert.deepEqual(run(settings.replace('class Settings(BaseSettings):\n', 'class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix="MEALIE_")\n')), [[undefined, undefined, 'literal', undefined]]);
    const plain = 'class Settings:\n    API_HOST = "127.0.0.1"\n    API_PORT = 9000\n\nsettings = Settings()\n';
    assert.deepEqual(run(plain, { API_PORT: '8000' }), [['127.0.0.1', '9000', 'setting', 'Settings.API_PORT']]);
    assert.deepEqual(run(plain.replace('\nsettings = Settings()', '    def __init__(self):\n        self.API_PORT = int(os.getenv("PORT", "8080"))\n\nsettings = Settings()')), [['127.0.0.1', undefined, 'literal', undefined]]);
    // A class attribute is no module name: `port=API_PORT` at module level does not see `Settings.API_PORT`.
    const bare = serverStarts({ files: new Map([['/srv/x.py', { info: parsePython(plain + 'import uvicorn\nuvicorn.run("m:app", host="0.0.0.0", port=API_PORT)\n') }]]), entry: { file: '/srv/x.py', main: true }, env: {} });
    assert.deepEqual(bare.map((x) => [x.bind.host, x.bind.port, x.bind.unresolved]), [['0.0.0.0', undefined, true]]);
  });

  it('uvicorn.run(uds=...) binds a Unix socket and fd=... an inherited one: no host or port (khoj starts one or the other)', () => {
    const src = 'import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n\ndef start(sock=None, fd=None):\n    if sock:\n        uvicorn.run(app, uds="/run/api.sock")\n    elif fd:\n        uvicorn.run(app, fd=fd)\n    else:\n        uvicorn.run(app, uds=None, port=9000)\n';
    const m = new Map<string, ServerFile>([['/app/main.py', { info: parsePython(src) }]]);
    const r = serverStarts({ files: m, entry: { file: '/app/main.py', func: 'start' }, env: {} });
    assert.deepEqual(r.map((x) => [x.bind.raw, x.bind.unix, x.bind.unresolved ?? false, x.bind.uncertain, x.host === undefined]), [
      ['unix:/run/api.sock', '/run/api.sock', false, undefined, true],
      ['?', undefined, true, 'uvicorn.run(fd=...) serves an inherited socket', true],
      ['127.0.0.1:9000', undefined, false, undefined, false],
    ]);
  });

  it('values it cannot evaluate are unresolved, never guessed', () => {
    const src = 'import uvicorn\nimport argparse\ndef main():\n    args = parse()\n    uvicorn.run(app, host=args.host, port=settings.PORT)\n';
    const r = starts({ '/app/m.py': ['m', src] }, { file: '/app/m.py', func: 'main' });
    assert.deepEqual(r.map((x) => [x.host, x.port, x.unresolved]), [[undefined, undefined, true]]);
    const twice = 'import uvicorn\nHOST = "127.0.0.1"\nif X:\n    HOST = "0.0.0.0"\nuvicorn.run(app, host=HOST)\n';
    assert.deepEqual(starts({ '/app/m.py': ['m', twice] }, { file: '/app/m.py' }).map((x) => x.unresolved), [true]);
    const environ = 'import os, uvicorn\nuvicorn.run(app, host=os.environ["HOST"])\n';
    assert.deepEqual(starts({ '/app/m.py': ['m', environ] }, { file: '/app/m.py' }).map((x) => x.unresolved), [true]);
    assert.deepEqual(starts({ '/app/m.py': ['m', environ] }, { file: '/app/m.py' }, { HOST: '0.0.0.0' }).map((x) => x.host), ['0.0.0.0']);
  });

  it('methods: self.x() and Class().x() calls', () => {
    const src = 'import uvicorn\nclass App:\n    def run_server(self):\n        uvicorn.run(self.app, host="127.0.0.1", port=8001)\n    def start(self):\n        self.run_server()\ndef main():\n    App().start()\n';
    const r = starts({ '/app/m.py': ['m', src] }, { file: '/app/m.py', func: 'main' });
    assert.deepEqual(r.map((x) => [x.host, x.port, x.hostAt, x.via]), [['127.0.0.1', '8001', 'literal@/app/m.py:3:35-3:46', '/app/m.py#main > /app/m.py#App.start > /app/m.py#App.run_server']]);
  });
});
