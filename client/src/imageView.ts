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
  /** One request per refresh, shared by the view and by `nodeFor`, so both see the same node objects. */
  private roots: Promise<ImageNode[]> | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  /** Drops the cached answer; the view asks again when shown. */
  refresh(): void {
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: ImageNode): Promise<ImageNode[]> {
    if (!node) {
      this.roots ??= (async () => {
        const c = this.client();
        const items = c ? ((await c.sendRequest('deploylint/imageContents', {})) as ImageContentsItem[] | null) ?? [] : [];
        return items.map((item): ImageNode => ({ kind: 'dockerfile', item }));
      })();
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

  /**
   * Reveals a Dockerfile's node expanded. A view that was just shown may not have loaded its nodes yet
   * ("Data tree node not found"), and a lint may refresh it meanwhile: retry a few times, briefly.
   */
  async reveal(view: vscode.TreeView<ImageNode>, uri: string): Promise<void> {
    let last: unknown;
    for (let i = 0; i < 10; i++) {
      const before = this.roots;
      const node = await this.nodeFor(uri);
      if (!node) return;
      try {
        await view.reveal(node, { select: true, focus: true, expand: 2 });
        if (this.roots === before) return;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (last) throw last;
  }

  /** A stable id per node, so expansion survives a refresh. */
  private id(node: ImageNode): string {
    switch (node.kind) {
      case 'dockerfile':
        return node.item.uri;
      case 'stage':
        return `${node.dockerfile.uri}#${node.stage.line}`;
      case 'container':
        return `${this.id(node.parent)}|${node.container.id}`;
      case 'missing':
        return `${this.id(node.parent)}|missing ${node.module}`;
      case 'file':
        return `${this.id(node.parent)}|${node.file.image}`;
    }
  }

  getTreeItem(node: ImageNode): vscode.TreeItem {
    const t = this.item(node);
    t.id = this.id(node);
    return t;
  }

  private item(node: ImageNode): vscode.TreeItem {
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
        // The stage is the parent row, so a container is told apart by what runs it (docker run, a compose
        // service, a Cloud Run service): that is the label; the command it runs is the description.
        const id = node.container.id;
        const at = id.indexOf(' @ ');
        const runs = node.container.runs ?? 'command not followed';
        const t = new vscode.TreeItem(at >= 0 ? id.slice(at + 3) : id, m ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        t.description = `${runs}${m ? ` · ${m} missing` : ''}`;
        t.iconPath = new vscode.ThemeIcon(m ? 'warning' : 'server-process', m ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
        t.tooltip = `${id}\nruns: ${runs}`;
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
