import type { Declaration, Manifest, ManifestExport } from './manifest-types.ts';

/** What the package's one module is: every declaration the analyzer found in `widget/` ships inside it. */
const SHIPPED_MODULE = 'dist/falcon-chat.js';

/**
 * The manifest as the package publishes it. The analyzer describes the
 * sources module by module (`widget/*.ts`, none of which is in the package);
 * consumers see one module, `dist/falcon-chat.js`, holding what the entry
 * exports (the element and its event classes) and defining the tag.
 */
export function publicManifest(manifest: Manifest, entryPath = 'widget/falcon-chat.ts'): Manifest {
  const entry = manifest.modules.find((module) => module.path === entryPath);
  if (!entry) throw new Error(`custom-elements.json has no module ${entryPath}`);
  const declarations: Declaration[] = [];
  const exports: ManifestExport[] = [];
  for (const exported of entry.exports ?? []) {
    const source = manifest.modules.find((module) => samePath(module.path, exported.declaration.module));
    if (exported.kind === 'custom-element-definition') {
      exports.push({ ...exported, declaration: { name: exported.declaration.name, module: SHIPPED_MODULE } });
      continue;
    }
    // `export *` re-exports every declaration of its module; a named export one (types have none: skipped).
    const found = (source?.declarations ?? []).filter((d) => exported.name === '*' || d.name === exported.name);
    for (const declaration of found) {
      if (declarations.some((d) => d.name === declaration.name)) continue;
      declarations.push(withoutPrivateAttributes(declaration));
      exports.push({
        kind: 'js',
        name: declaration.name,
        declaration: { name: declaration.name, module: SHIPPED_MODULE },
      });
    }
  }
  const shipped = JSON.parse(
    JSON.stringify({ kind: 'javascript-module', path: SHIPPED_MODULE, declarations, exports }),
  );
  return { schemaVersion: manifest.schemaVersion, modules: [repointModules(shipped)] };
}

/**
 * The element's own state is declared in `static properties` beside its attributes (`state: true`), which the
 * analyzer reads as attributes named after the fields: a private field has no attribute a page could set.
 */
function withoutPrivateAttributes(declaration: Declaration): Declaration {
  const members = declaration.members?.map((member) => {
    if (member.privacy !== 'private') return member;
    const { attribute: _attribute, ...rest } = member as typeof member & { attribute?: string };
    return rest;
  });
  const privateFields = new Set(members?.filter((member) => member.privacy === 'private').map((member) => member.name));
  const attributes = declaration.attributes?.filter((attribute) => !privateFields.has(attribute.fieldName ?? ''));
  return { ...declaration, ...(members && { members }), ...(attributes && { attributes }) };
}

function samePath(path: string, module: string | undefined): boolean {
  return module !== undefined && module.replace(/^\.?\//, '').replace(/^(?!widget\/)/, 'widget/') === path;
}

/** Every `module` reference to a source file (`inheritedFrom`, `superclass`, types) now names the shipped one. */
function repointModules<T>(value: T): T {
  if (Array.isArray(value)) return value.map(repointModules) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      key === 'module' && typeof item === 'string' && /^\.?\/?widget\//.test(item)
        ? SHIPPED_MODULE
        : repointModules(item);
  }
  return out as T;
}
