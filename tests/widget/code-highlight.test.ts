import { expect } from '@open-wc/testing';
import { highlightCode, MAX_RANGES } from '../../widget/markdown/code-highlight.ts';

/** A code block as the renderer makes it, in the page. */
function codeBlock(text: string): HTMLElement {
  const code = document.createElement('code');
  code.className = 'language-js';
  code.textContent = text;
  document.body.appendChild(document.createElement('pre')).appendChild(code);
  return code;
}

/** Ranges of ours (falcon-chat-*) that start in `code`. */
function rangesIn(code: HTMLElement): number {
  let count = 0;
  for (const [name, highlight] of CSS.highlights)
    if (name.startsWith('falcon-chat-'))
      for (const range of highlight) if (code.contains(range.startContainer)) count++;
  return count;
}

const SOURCE = 'function add(a, b) {\n  // sum\n  return a + b * 2 > 10 ? "big" : "small";\n}\n';

/**
 * How many times `run` looks at a range or asks whether a node is still on the page (the highlighter finds the
 * code that left the page that way).
 */
function looks(run: () => void): number {
  const iterate = Highlight.prototype[Symbol.iterator];
  const connected = Object.getOwnPropertyDescriptor(Node.prototype, 'isConnected')!;
  let count = 0;
  Highlight.prototype[Symbol.iterator] = function (this: Highlight) {
    const ranges = iterate.call(this);
    return {
      next: () => {
        count++;
        return ranges.next();
      },
      [Symbol.iterator]() {
        return this;
      },
    } as ReturnType<typeof iterate>;
  };
  Object.defineProperty(Node.prototype, 'isConnected', {
    ...connected,
    get(this: Node) {
      count++;
      return connected.get!.call(this);
    },
  });
  try {
    run();
  } finally {
    Highlight.prototype[Symbol.iterator] = iterate;
    Object.defineProperty(Node.prototype, 'isConnected', connected);
  }
  return count;
}

/** All ranges of ours (falcon-chat-*) on the page. */
function allRanges(): number {
  let count = 0;
  for (const [name, highlight] of CSS.highlights) if (name.startsWith('falcon-chat-')) count += highlight.size;
  return count;
}

describe('code highlighting', () => {
  afterEach(() => {
    for (const pre of document.body.querySelectorAll(':scope > pre')) pre.remove();
  });

  it('colours a block that names its language', () => {
    const code = codeBlock(SOURCE);
    highlightCode(code);
    expect(rangesIn(code)).to.be.at.least(5);
  });

  it("does a block's work in a time that does not grow with the blocks before it (issue 11)", () => {
    const codes = Array.from({ length: 400 }, () => codeBlock(SOURCE));
    highlightCode(codes[0]);
    const perBlock = rangesIn(codes[0]);
    const looked = looks(() => {
      for (const code of codes.slice(1)) highlightCode(code);
    });
    // Going over every range for every block would be 400 × 400 / 2 × perBlock; each block is looked at a few times.
    expect(looked).to.be.at.most(4 * 400);
    expect(rangesIn(codes.at(-1)!)).to.equal(perBlock);
  });

  it('drops the ranges of blocks that left the page', () => {
    const gone = codeBlock(SOURCE);
    highlightCode(gone);
    gone.parentElement!.remove();
    for (let i = 0; i < 500; i++) highlightCode(codeBlock(SOURCE));
    expect(rangesIn(gone)).to.equal(0);
  });

  it(`past ${MAX_RANGES} ranges on the page, the oldest blocks lose their colours and the newest keep theirs`, () => {
    const first = codeBlock(SOURCE);
    highlightCode(first);
    const perBlock = rangesIn(first);
    const codes = [first, ...Array.from({ length: Math.ceil((2 * MAX_RANGES) / perBlock) }, () => codeBlock(SOURCE))];
    for (const code of codes.slice(1)) highlightCode(code);
    expect(allRanges()).to.be.at.most(MAX_RANGES);
    expect(rangesIn(codes[0])).to.equal(0);
    for (const code of codes.slice(-Math.floor(MAX_RANGES / perBlock))) expect(rangesIn(code)).to.equal(perBlock);
  });
});
