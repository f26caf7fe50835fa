import type { Declaration, Manifest } from './manifest-types.ts';

/**
 * Typings that let React 19's JSX and Vue's templates type-check the element,
 * written from the Custom Elements Manifest at build time so that they follow
 * every attribute, property and event the element's JSDoc declares. Each is a
 * file of its own (`falcon-chat/react`, `falcon-chat/vue`) because each one
 * names its framework's types, which a project without that framework lacks.
 */
export function frameworkTypes(manifest: Manifest): { react: string; vue: string } {
  const element = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .find((declaration) => declaration.customElement && declaration.tagName);
  if (!element?.tagName) throw new Error('custom-elements.json declares no custom element');
  const props = propsType(element);
  const header = `// Generated from custom-elements.json by build/framework-types.ts: do not edit.\n`;
  const imports = `import type { ${[element.name, ...eventTypes(element)].join(', ')} } from './falcon-chat.js';\n`;
  const react = `${header}${imports}
/** The element's properties, its attributes by their own names, and \`on<event-name>\` listeners (React 19). */
export type ${element.name}ReactProps = ${props} & {
${events(element, (name) => `'on${name}'`)}
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      '${element.tagName}': DetailedHTMLProps<HTMLAttributes<${element.name}>, ${element.name}> & ${element.name}ReactProps;
    }
  }
}
`;
  // Vue's documented shape for a custom element (vuejs.org/guide/extras/web-components): the element's own type,
  // with `$props` and `$emit` for templates only.
  const vue = `${header}import type { EmitFn, HTMLAttributes } from 'vue';
${imports}
/** The element's properties and attributes, for Vue's templates. */
export type ${element.name}VueProps = ${props};

/** The element's events, for \`@event-name\` listeners. */
export type ${element.name}VueEvents = {
${events(element, (name) => `'${name}'`, '')}
};

declare module 'vue' {
  interface GlobalComponents {
    '${element.tagName}': new () => ${element.name} & {
      /** For template type checks only: not a property of the element. */
      $props: HTMLAttributes & ${element.name}VueProps;
      /** For template type checks only: not a method of the element. */
      $emit: EmitFn<${element.name}VueEvents>;
    };
  }
}
`;
  return { react, vue };
}

/** Settable properties by name (typed as the element declares them), plus attributes spelt differently. */
function propsType(element: Declaration): string {
  const properties = (element.members ?? [])
    .filter((m) => m.kind === 'field' && (m.privacy ?? 'public') === 'public' && !m.static && !m.readonly)
    .map((m) => `'${m.name}'`);
  const attributes = (element.attributes ?? [])
    .filter((a) => a.name !== a.fieldName)
    .map((a) => `  '${a.name}'?: ${attributeType(a.type?.text ?? 'string')};`);
  return `Partial<Pick<${element.name}, ${properties.join(' | ')}>> & {\n${attributes.join('\n')}\n}`;
}

/** An attribute's value as markup writes it: booleans by presence, numbers as text or numbers. */
function attributeType(fieldType: string): string {
  if (/\bboolean\b/.test(fieldType)) return 'boolean';
  if (/\bnumber\b/.test(fieldType)) return 'number | string';
  return 'string';
}

function eventTypes(element: Declaration): string[] {
  return [...new Set((element.events ?? []).map((event) => event.type?.text ?? 'Event'))].filter((t) => t !== 'Event');
}

function events(element: Declaration, key: (name: string) => string, optional = '?'): string {
  return (element.events ?? [])
    .map((event) => `  ${key(event.name)}${optional}: (event: ${event.type?.text ?? 'Event'}) => void;`)
    .join('\n');
}
