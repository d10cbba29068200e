// The language server's entry: `deploylint-language-server --stdio` (editors) or `--node-ipc` (VS Code).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h') || !argv.some((a) => /^--(stdio|node-ipc|socket|pipe|clientProcessId)/.test(a))) {
  const out = argv.includes('--help') || argv.includes('-h') ? process.stdout : process.stderr;
  out.write('Usage: deploylint-language-server --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n\nThe deploylint language server (LSP). Editors start it; see the README for Neovim, Helix, Zed and Emacs setups.\n');
  process.exitCode = argv.includes('--help') || argv.includes('-h') ? 0 : 2;
} else {
  const connection = createConnection(ProposedFeatures.all);
  // A bug in one request must not take the server down: log it and keep answering.
  process.on('uncaughtException', (e) => connection.console.error(`deploylint: uncaught: ${e?.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) => connection.console.error(`deploylint: unhandled: ${(e as Error)?.stack ?? String(e)}`));
  startServer(connection);
  connection.listen();
}
