// Thin VS Code client: starts the bundled language server over IPC and offers a restart command.
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', language: 'python' },
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'dotenv' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,.dockerignore,*.dockerignore,.env,.env.*}' },
    ],
    synchronize: {
      configurationSection: 'deploylint',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
    },
    outputChannelName: 'deploylint',
  };
  client = new LanguageClient('deploylint', 'deploylint', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('deploylint.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('deploylint.showOutput', () => client?.outputChannel.show()),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
