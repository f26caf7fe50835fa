/**
 * The hostile host page's stylesheet: every element reset with `all: unset !important`,
 * every inherited text property forced huge or odd with `!important`, page boxes restyled
 * by element name, and selectors named like the widget's insides. Page rules cannot reach
 * into a shadow tree, but they do style the host element, and inherited properties flow
 * from it into the shadow tree unless the widget's own elements set them.
 */
/** Inherited text properties: these reach into a shadow tree unless the element sets its own. */
const INHERITED_TEXT = `
  font-size: 40px !important; line-height: 3 !important; font-family: "Comic Sans MS", fantasy, cursive !important;
  font-style: italic !important; font-weight: 900 !important; font-variant: small-caps !important; font-stretch: condensed !important;
  letter-spacing: 0.3em !important; word-spacing: 1em !important; text-transform: uppercase !important; text-indent: 4em !important;
  text-align: right !important; white-space: pre !important; word-break: break-all !important; hyphens: auto !important;
  tab-size: 20 !important; text-shadow: 3px 3px 0 lime !important; -webkit-text-stroke: 1px red !important;
  color: #f0f !important; cursor: wait !important; list-style: square inside !important; quotes: "<<" ">>" !important;
`;

export const HOSTILE_CSS = `
* { all: unset !important; }
html, body, * {
  ${INHERITED_TEXT}
  box-sizing: content-box !important; margin: 0.5em !important; padding: 0.5em !important; border: 6px dashed orange !important;
}
div, section, header, footer, form, p, span, a, button, textarea, input, label, h1, h2, h3, ul, ol, li, pre, code, details, summary {
  display: inline !important; position: relative !important; top: 10px !important; float: left !important;
  width: 40% !important; height: 30px !important; overflow: hidden !important; opacity: 0.5 !important;
  background: repeating-linear-gradient(45deg, yellow, yellow 10px, black 10px, black 20px) !important;
}
button, textarea, input { appearance: none !important; font: inherit !important; }
[part], [class], [id], .chat, .message, .content, .markdown, .composer, .transcript, #input, #panel, #transcript {
  visibility: hidden !important; display: none !important;
}
`;
