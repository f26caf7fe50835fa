/** The parts of a Custom Elements Manifest (schema 2.x) that the build reads. */
export interface Manifest {
  schemaVersion: string;
  modules: ManifestModule[];
}
export interface ManifestModule {
  kind: string;
  path: string;
  declarations?: Declaration[];
  exports?: ManifestExport[];
}
export interface ManifestExport {
  kind: 'js' | 'custom-element-definition';
  name: string;
  declaration: { name: string; module?: string; package?: string };
}
export interface Declaration {
  kind: string;
  name: string;
  customElement?: boolean;
  tagName?: string;
  members?: { kind: string; name: string; privacy?: string; static?: boolean; readonly?: boolean }[];
  attributes?: { name: string; fieldName?: string; type?: { text: string } }[];
  events?: { name: string; type?: { text: string } }[];
  [key: string]: unknown;
}
