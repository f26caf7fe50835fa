/**
 * The README's reference of `<falcon-chat>`, generated from the Custom
 * Elements Manifest that `npm run build` writes from the element's JSDoc.
 *
 *   npm run build && npx tsx docs/element-api.ts   # rewrites the section in README.md
 *
 * The element tests fail while the README's section differs from this output
 * (tests/widget/docs.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const README = `${repoRoot}README.md`;
export const MANIFEST = `${repoRoot}dist/custom-elements.json`;
const START = '<!-- element-api:start -->';
const END = '<!-- element-api:end -->';

interface Described {
  name: string;
  description?: string;
  default?: string;
  type?: { text: string };
}
interface Member extends Described {
  kind: 'field' | 'method';
  privacy?: string;
  static?: boolean;
  attribute?: string;
  readonly?: boolean;
  parameters?: Described[];
  return?: { type?: { text: string } };
}
interface Declaration extends Described {
  customElement?: boolean;
  tagName?: string;
  attributes?: (Described & { fieldName?: string })[];
  members?: Member[];
  events?: Described[];
  cssParts?: Described[];
  cssProperties?: Described[];
}

const cell = (text = '') => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text?: string) => (text ? `\`${text.replace(/\|/g, '\\|')}\`` : '');

function element(manifest: { modules: { declarations?: Declaration[] }[] }): Declaration {
  for (const module of manifest.modules) {
    const found = module.declarations?.find(
      (declaration) => declaration.customElement && declaration.tagName === 'falcon-chat',
    );
    if (found) return found;
  }
  throw new Error('custom-elements.json has no <falcon-chat>');
}

/** The markdown between the markers. */
export function renderElementApi(manifestText: string): string {
  const declaration = element(JSON.parse(manifestText));
  const members = (declaration.members ?? []).filter(
    (member) => !member.static && (member.privacy ?? 'public') === 'public',
  );
  const fields = members.filter((member) => member.kind === 'field');
  const methods = members.filter((member) => member.kind === 'method');
  const lines: string[] = [
    `Generated from \`custom-elements.json\` (the element's JSDoc) by \`docs/element-api.ts\`.`,
    '',
    '#### Attributes and properties',
    '',
    '| Attribute | Property | Type | Default | Description |',
    '|---|---|---|---|---|',
    ...fields
      .filter((field) => field.attribute)
      .map(
        (field) =>
          `| ${code(field.attribute)} | ${code(field.name)} | ${code(field.type?.text)} | ${code(field.default)} | ${cell(field.description)} |`,
      ),
    '',
    'Properties without an attribute:',
    '',
    '| Property | Type | Description |',
    '|---|---|---|',
    ...fields
      .filter((field) => !field.attribute)
      .map((field) => `| ${code(field.name)} | ${code(field.type?.text)} | ${cell(field.description)} |`),
    '',
    '#### Methods',
    '',
    '| Method | Returns | Description |',
    '|---|---|---|',
    ...methods.map((method) => {
      const parameters = (method.parameters ?? []).map(
        (parameter) => `${parameter.name}: ${parameter.type?.text ?? 'unknown'}`,
      );
      return `| ${code(`${method.name}(${parameters.join(', ')})`)} | ${code(method.return?.type?.text ?? 'void')} | ${cell(method.description)} |`;
    }),
    '',
    '#### Events',
    '',
    'All bubble and cross the shadow boundary; the classes are exported for `instanceof` and typed listeners.',
    '',
    '| Event | Class | Description |',
    '|---|---|---|',
    ...(declaration.events ?? []).map(
      (event) => `| ${code(event.name)} | ${code(event.type?.text)} | ${cell(event.description)} |`,
    ),
    '',
    '#### CSS custom properties',
    '',
    '| Property | Default (light) | Description |',
    '|---|---|---|',
    ...(declaration.cssProperties ?? []).map(
      (property) => `| ${code(property.name)} | ${code(property.default)} | ${cell(property.description)} |`,
    ),
    '',
    '#### Parts',
    '',
    '| Part | Description |',
    '|---|---|',
    ...(declaration.cssParts ?? []).map((part) => `| ${code(part.name)} | ${cell(part.description)} |`),
  ];
  return lines.join('\n');
}

/** README.md with the section replaced by `generated`. */
export function withSection(readme: string, generated: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${generated}\n${readme.slice(end)}`;
}

/** Whether README.md's section is what the manifest says, and the text it should have. */
export function checkReadme(): { upToDate: boolean; expected: string } {
  const readme = readFileSync(README, 'utf8');
  const expected = withSection(readme, renderElementApi(readFileSync(MANIFEST, 'utf8')));
  return { upToDate: expected === readme, expected };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { upToDate, expected } = checkReadme();
  if (!upToDate) writeFileSync(README, expected);
  console.log(upToDate ? 'README.md element reference is up to date' : 'README.md element reference updated');
}
