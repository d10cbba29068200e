// What the client answers when the server asks for the `deploylint` settings: only values the user set.
// VS Code's getConfiguration() fills every unset key with its contributed default (modelLoadSeconds: 60,
// maxFileSize: 2097152, ...); sent as they are, those defaults would override `.deploylint.yaml`, so the
// editor and the CLI would lint the same repository differently.

/** The scoped values `WorkspaceConfiguration.inspect()` reports for one key (the default is left out on purpose). */
export interface InspectedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The settings the user set explicitly, most specific scope first (folder, workspace, user), keyed without
 * the `deploylint.` prefix; keys left at their default are absent, so the repository's config file decides.
 */
export function explicitSettings(keys: readonly string[], inspect: (key: string) => InspectedValue | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const i = inspect(key);
    const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The keys of a `contributes.configuration` block under `section.` (one level: `deploylint.rules`, not its members). */
export function contributedKeys(contributes: unknown, section: string): string[] {
  const blocks = (contributes as { configuration?: unknown } | undefined)?.configuration;
  const list = Array.isArray(blocks) ? blocks : blocks ? [blocks] : [];
  const keys: string[] = [];
  for (const b of list) {
    const props = (b as { properties?: Record<string, unknown> }).properties ?? {};
    for (const name of Object.keys(props)) {
      if (name.startsWith(section + '.') && !name.slice(section.length + 1).includes('.')) keys.push(name.slice(section.length + 1));
    }
  }
  return keys;
}

/**
 * The keys a `WorkspaceConfiguration` for one section holds: the contributed ones and any other key a
 * settings file sets under the section (a misspelt `deploylint.modelLoadSecond`), which the server reports.
 */
export function sectionKeys(config: object): string[] {
  return Object.keys(config).filter((k) => typeof (config as Record<string, unknown>)[k] !== 'function');
}
