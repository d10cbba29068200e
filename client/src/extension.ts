// Thin VS Code client: starts the bundled language server over IPC; the status items, the "Image contents" view and the commands around them.
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { ImageContentsProvider, ImageNode } from './imageView';
import { LintStatus, StatusItems } from './status';
import { contributedKeys, explicitSettings, sectionKeys } from './settings';

let client: LanguageClient | undefined;

/** What the extension returns from `activate`, for the extension-host tests. */
export interface DeploylintApi {
  imageContents: ImageContentsProvider;
  status(): { text: string; state: LintStatus['state']; problems?: number };
  /** The last `--explain` text a lens opened. */
  lastExplanation(): string | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<DeploylintApi> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const keys = contributedKeys((context.extension.packageJSON as { contributes?: unknown }).contributes, 'deploylint');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', language: 'python' },
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'dotenv' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*Dockerfile,*Containerfile,Dockerfile.*,Dockerfile-*,Dockerfile_*,Containerfile.*,Containerfile-*,Containerfile_*,.dockerignore,*.dockerignore,.env,.env.*}' },
    ],
    synchronize: {
      configurationSection: 'deploylint',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
    },
    outputChannelName: 'deploylint',
    middleware: {
      workspace: {
        // Only settings the user set reach the server; defaults would override .deploylint.yaml (see settings.ts).
        configuration: async (params, token, next) => {
          const answered = await next(params, token);
          if (!Array.isArray(answered)) return answered;
          return params.items.map((item, i) => {
            if (item.section !== 'deploylint') return answered[i];
            const config = vscode.workspace.getConfiguration('deploylint', item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined);
            // Unknown keys the user set go too: the server says which setting they may have meant.
            return explicitSettings([...new Set([...keys, ...sectionKeys(config)])], (k) => config.inspect(k));
          });
        },
      },
    },
  };
  client = new LanguageClient('deploylint', 'deploylint', serverOptions, clientOptions);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '');
  const status = new StatusItems(version);
  const images = new ImageContentsProvider(() => client);
  const view = vscode.window.createTreeView<ImageNode>('deploylint.imageContents', { treeDataProvider: images, showCollapseAll: true });
  let explanation: string | undefined;
  context.subscriptions.push(
    status,
    view,
    vscode.commands.registerCommand('deploylint.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('deploylint.showOutput', () => client?.outputChannel.show()),
    vscode.commands.registerCommand('deploylint.explainContainer', async (uri: string, id: string) => {
      const text = (await client?.sendRequest('deploylint/explain', { uri, id })) as string | null | undefined;
      explanation = text ?? `${id}: this container is no longer in the lint (the files changed); run the lens again.`;
      const doc = await vscode.workspace.openTextDocument({ content: explanation, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('deploylint.showImageContents', async (uri?: vscode.Uri) => {
      const target = (uri ?? vscode.window.activeTextEditor?.document.uri)?.toString();
      images.refresh();
      await vscode.commands.executeCommand('deploylint.imageContents.focus');
      if (target) await images.reveal(view, target);
    }),
    // A rule's doc (shipped in the extension) opened from a diagnostic's code link shows as a markdown preview.
    vscode.workspace.onDidOpenTextDocument(async (doc) => {
      const docs = path.join(context.extensionPath, 'docs', 'rules') + path.sep;
      if (doc.uri.scheme === 'file' && doc.uri.fsPath.startsWith(docs) && doc.uri.fsPath.endsWith('.md')) {
        await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
      }
    }),
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) status.update({ state: 'error', message: 'the language server stopped; restart it from this item' });
    }),
  );
  client.onNotification('deploylint/status', (s: LintStatus) => {
    status.update(s);
    if (s.state === 'done') images.refresh();
  });
  await client.start();
  return {
    imageContents: images,
    status: () => ({ text: status.text, state: status.current.state, problems: status.current.problems }),
    lastExplanation: () => explanation,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
