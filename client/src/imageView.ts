// The "Image contents" tree: per Dockerfile, its stages, the containers that run each (missing modules marked) and the files it holds with the instruction that put each there.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ImageContentsItem } from '../../server/src/lsp/view';

type Stage = ImageContentsItem['stages'][number];

export type ImageNode =
  | { kind: 'dockerfile'; item: ImageContentsItem }
  | { kind: 'stage'; parent: ImageNode; dockerfile: ImageContentsItem; stage: Stage }
  | { kind: 'container'; parent: ImageNode; container: Stage['containers'][number] }
  | { kind: 'missing'; parent: ImageNode; module: string }
  | { kind: 'file'; parent: ImageNode; dockerfile: ImageContentsItem; file: Stage['files'][number] };

export class ImageContentsProvider implements vscode.TreeDataProvider<ImageNode> {
  private readonly changed = new vscode.EventEmitter<ImageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ImageNode[] | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  /** Drops the cached answer; the view asks again when shown. */
  refresh(): void {
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: ImageNode): Promise<ImageNode[]> {
    if (!node) {
      if (!this.roots) {
        const c = this.client();
        const items = c ? ((await c.sendRequest('deploylint/imageContents', {})) as ImageContentsItem[] | null) ?? [] : [];
        this.roots = items.map((item) => ({ kind: 'dockerfile', item }));
      }
      return this.roots;
    }
    switch (node.kind) {
      case 'dockerfile':
        return node.item.stages.map((stage) => ({ kind: 'stage', parent: node, dockerfile: node.item, stage }));
      case 'stage':
        return [
          ...node.stage.containers.map((container): ImageNode => ({ kind: 'container', parent: node, container })),
          ...node.stage.files.map((file): ImageNode => ({ kind: 'file', parent: node, dockerfile: node.dockerfile, file })),
        ];
      case 'container':
        return node.container.missing.map((module) => ({ kind: 'missing', parent: node, module }));
      default:
        return [];
    }
  }

  getParent(node: ImageNode): ImageNode | undefined {
    return node.kind === 'dockerfile' ? undefined : node.parent;
  }

  /** The root node of a Dockerfile, for reveal. */
  async nodeFor(uri: string): Promise<ImageNode | undefined> {
    return (await this.getChildren()).find((n) => n.kind === 'dockerfile' && n.item.uri === uri);
  }

  getTreeItem(node: ImageNode): vscode.TreeItem {
    const open = (uri: string, line: number): vscode.Command => ({
      title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(uri), { selection: new vscode.Range(line, 0, line, 0) }],
    });
    switch (node.kind) {
      case 'dockerfile': {
        const t = new vscode.TreeItem(node.item.label, vscode.TreeItemCollapsibleState.Collapsed);
        t.resourceUri = vscode.Uri.parse(node.item.uri);
        t.iconPath = new vscode.ThemeIcon('package');
        t.contextValue = 'dockerfile';
        return t;
      }
      case 'stage': {
        const t = new vscode.TreeItem(node.stage.label, vscode.TreeItemCollapsibleState.Expanded);
        const n = node.stage.files.length;
        t.description = `${n}${node.stage.truncated ? '+' : ''} file${n === 1 ? '' : 's'}`;
        t.iconPath = new vscode.ThemeIcon('layers');
        t.command = open(node.dockerfile.uri, node.stage.line);
        return t;
      }
      case 'container': {
        const m = node.container.missing.length;
        const t = new vscode.TreeItem(node.container.runs ?? 'command not followed', m ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        t.description = `${node.container.id}${m ? ` · ${m} missing` : ''}`;
        t.iconPath = new vscode.ThemeIcon(m ? 'warning' : 'server-process', m ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
        t.tooltip = node.container.id;
        return t;
      }
      case 'missing': {
        const t = new vscode.TreeItem(`missing: ${node.module}`, vscode.TreeItemCollapsibleState.None);
        t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        t.description = 'imported but not in the image';
        return t;
      }
      case 'file': {
        const f = node.file;
        const t = new vscode.TreeItem(f.image, vscode.TreeItemCollapsibleState.None);
        t.description = `${f.source ? `← ${f.source} · ` : ''}${f.instruction}`;
        t.tooltip = `${f.image}\n${f.source ? `from ${f.source}\n` : ''}put there by line ${f.line + 1}: ${f.instruction}`;
        t.iconPath = vscode.ThemeIcon.File;
        if (f.sourceUri) t.resourceUri = vscode.Uri.parse(f.sourceUri);
        t.command = f.sourceUri ? open(f.sourceUri, 0) : open(node.dockerfile.uri, f.line);
        return t;
      }
    }
  }
}
