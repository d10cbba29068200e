-- Headless Neovim (0.7+) over stdio with the bundled server (dist/server.js --stdio), on a copy of examples/:
-- diagnostics on docker/predictions-worker.Dockerfile, hover on a COPY line and on the gunicorn target, and
-- the source.fixAll.deploylint code action applied (exact resulting text), after which the problems clear.
-- Run by test/e2e/nvim.js (env DEPLOYLINT_SERVER, DEPLOYLINT_WS, DEPLOYLINT_EXPECTED: expected.json); prints "RESULT: PASS" and exits 0, else exits 1.
local server = assert(os.getenv('DEPLOYLINT_SERVER'), 'DEPLOYLINT_SERVER not set')
local ws = assert(os.getenv('DEPLOYLINT_WS'), 'DEPLOYLINT_WS not set')
local timeout = tonumber(os.getenv('DEPLOYLINT_TIMEOUT_MS') or '60000')
local file = ws .. '/docker/predictions-worker.Dockerfile'

local t0 = vim.loop.hrtime()
local function log(...)
  local ms = math.floor((vim.loop.hrtime() - t0) / 1e6)
  io.stdout:write(string.format('[nvim +%5dms] ', ms) .. table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n')
end
local failures = 0
local function finish()
  for _, c in pairs(vim.lsp.get_active_clients()) do c.stop(true) end
  log(failures == 0 and 'RESULT: PASS' or ('RESULT: FAIL (' .. failures .. ')'))
  io.stdout:flush()
  vim.cmd(failures == 0 and 'qall!' or 'cquit! 1')
end
local function check(name, got, want)
  if vim.deep_equal(got, want) then
    log('ok  ', name)
    return true
  end
  failures = failures + 1
  log('FAIL', name)
  io.stdout:write('  got:  ' .. vim.inspect(got) .. '\n  want: ' .. vim.inspect(want) .. '\n')
  return false
end
local function fatal(msg)
  failures = failures + 1
  log('FAIL', msg)
  finish()
end

log('nvim', vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch)
vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'dockerfile'
local bufnr = vim.api.nvim_get_current_buf()
local config = { name = 'deploylint', cmd = { 'node', server, '--stdio' }, root_dir = ws }
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config, { bufnr = bufnr })
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(bufnr, client_id)
end
if not client_id then return fatal('could not start the server') end

local function diagnostics()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(out, string.format('%d:%d %s %s', d.lnum + 1, d.col + 1, tostring(code), d.message))
  end
  table.sort(out)
  return out
end

-- 1. Diagnostics: the three modules worker.py imports that the image lacks, at the COPY of worker.py.
if not vim.wait(timeout, function() return #vim.diagnostic.get(bufnr) == 3 end, 50) then
  return fatal('no 3 diagnostics within ' .. timeout .. ' ms: ' .. vim.inspect(diagnostics()))
end
check('diagnostics', diagnostics(), {
  "9:1 missing-module 'execution_logger' is imported by /app/worker.py but is not in the image: predictions/worker/execution_logger.py is never copied",
  "9:1 missing-module 'system_circuit_breaker' is imported by /app/worker.py but is not in the image: predictions/worker/system_circuit_breaker.py is never copied",
  "9:1 missing-module package 'shared' (shared.utils.player_registry) is imported by /app/worker.py but is not in the image: shared/ is never copied",
})

local function request(method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not responses then return nil, tostring(err) end
  for _, r in pairs(responses) do
    if r.error then return nil, vim.inspect(r.error) end
    return r.result
  end
end
local function hover(line, character)
  local r, err = request('textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = character } })
  if not r then return 'no hover: ' .. tostring(err) end
  return type(r.contents) == 'table' and (r.contents.value or vim.inspect(r.contents)) or tostring(r.contents)
end

-- 2. Hover on the COPY of prediction_systems/ (line 10) and on the gunicorn target (line 13, `worker:app`).
local expected = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('DEPLOYLINT_EXPECTED')), '\n'))
check('hover on a COPY', hover(9, 2), table.concat(expected.hoverCopy, '\n'))
local target = vim.split(hover(12, 72), '\n', { plain = true })
check('hover on the target', { unpack(target, 1, 7) }, expected.hoverTarget)

-- 3. Fix-all: the source.fixAll.deploylint action, applied; the buffer is what `deploylint --fix` makes of the file.
local actions, err = request('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } },
  context = { diagnostics = {}, only = { 'source.fixAll.deploylint' } },
})
if not actions then return fatal('codeAction failed: ' .. tostring(err)) end
check('fix-all action', vim.tbl_map(function(a) return a.title .. ' | ' .. a.kind end, actions), { 'Fix all deploylint problems in this file | source.fixAll.deploylint' })
if not actions[1] or not actions[1].edit then return fatal('no fix-all edit') end
local client = vim.lsp.get_client_by_id(client_id)
vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding or 'utf-16')
check('buffer after fix-all', vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), {
  '# Prediction worker: Flask app served by gunicorn on Cloud Run.',
  'FROM python:3.11-slim',
  '',
  'WORKDIR /app',
  '',
  'COPY predictions/worker/requirements.txt /app/requirements.txt',
  'RUN pip install --no-cache-dir -r requirements.txt',
  '',
  'COPY predictions/worker/worker.py /app/worker.py',
  'COPY predictions/worker/system_circuit_breaker.py /app/',
  'COPY predictions/worker/execution_logger.py /app/',
  'COPY shared/ /app/shared/',
  'COPY predictions/worker/prediction_systems/ /app/prediction_systems/',
  '',
  'ENV PYTHONUNBUFFERED=1',
  'CMD exec gunicorn --bind :$PORT --workers 1 --threads 8 --timeout 0 worker:app',
})

-- 4. The server re-lints the changed buffer: the problems clear.
if vim.wait(timeout, function() return #vim.diagnostic.get(bufnr) == 0 end, 50) then
  log('ok  ', 'diagnostics cleared after fix-all')
else
  check('diagnostics after fix-all', diagnostics(), {})
end
finish()
