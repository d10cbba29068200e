// healthcheckTarget: the URL curl, wget and python -c health checks call.
import { strict as assert } from 'assert';
import { healthcheckTarget } from '../../../server/src/core/entrypoint/healthcheck';

describe('entrypoint/healthcheck', () => {
  const rows: [string, string[] | string, [string, string, string] | undefined, Record<string, string | undefined>?][] = [
    ['curl -f', 'curl -f http://localhost:8000/health || exit 1', ['localhost', '8000', '/health']],
    ['curl -fsS with a header option', 'curl -fsS -H "Accept: application/json" --max-time 2 http://127.0.0.1:8080/healthz', ['127.0.0.1', '8080', '/healthz']],
    ['curl without scheme', 'curl --fail localhost:5000/ping', ['localhost', '5000', '/ping']],
    ['https default port', 'curl -k https://localhost/health', ['localhost', '443', '/health']],
    ['wget -q -O-', 'wget -q -O- http://localhost:9000/status?full=1 > /dev/null', ['localhost', '9000', '/status?full=1']],
    ['wget --spider', 'wget --no-verbose --tries=1 --spider http://localhost:3000/', ['localhost', '3000', '/']],
    ['python urllib', `python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health', timeout=2)"`, ['localhost', '8000', '/health']],
    ['python requests exec form', ['CMD', 'python3', '-c', 'import requests; requests.get("http://0.0.0.0:7860/").raise_for_status()'], ['0.0.0.0', '7860', '/']],
    ['httpx', `python -c 'import httpx,sys; sys.exit(httpx.get("http://localhost:8001/live").status_code != 200)'`, ['localhost', '8001', '/live']],
    ['CMD-SHELL', ['CMD-SHELL', 'curl -f http://localhost:${PORT:-8080}/ || exit 1'], ['localhost', '8080', '/']],
    ['a known variable expands', 'curl -f http://localhost:$PORT/health', ['localhost', '9999', '/health'], { PORT: '9999' }],
    ['an unknown variable: unknown', 'curl -f http://localhost:$PORT/health', undefined, { PORT: undefined }],
    ['pg_isready: no URL', 'pg_isready -U postgres', undefined],
    ['python without a URL', 'python -c "import socket; socket.create_connection((\'localhost\', 8000))"', undefined],
  ];
  for (const [name, cmd, want, env] of rows) {
    it(name, () => {
      const t = healthcheckTarget(cmd, env ?? {});
      assert.deepEqual(t ? [t.host, t.port, t.path] : undefined, want);
    });
  }
});
