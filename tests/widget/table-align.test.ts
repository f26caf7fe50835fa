import { expect } from '@open-wc/testing';
import { TableAlignReader } from '../../widget/markdown/table-align.ts';

/** The alignments `text` yields, read whole or in pieces of `size` characters, and whether the pieces add up to it. */
function read(text: string, size = text.length) {
  const reader = new TableAlignReader();
  const found: string[][] = [];
  let written = '';
  for (let start = 0; start < text.length; start += size) {
    for (const piece of reader.split(text.slice(start, start + size))) {
      written += piece.text;
      if (piece.align) found.push(piece.align);
    }
  }
  return { found, whole: written === text };
}

describe('TableAlignReader (the delimiter rows the parser drops)', () => {
  const table = '| a | b | c | d |\n|:--|--:|:-:|---|\n| 1 | 2 | 3 | 4 |\n';

  it('reads each column’s alignment, whole or one character at a time, losing no text', () => {
    for (const size of [table.length, 1, 3, 7]) {
      expect(read(table, size), `pieces of ${size}`).to.deep.equal({
        found: [['left', 'right', 'center', '']],
        whole: true,
      });
    }
  });

  it('cuts the text just after the delimiter row, so the table is aligned before its body is written', () => {
    const pieces = new TableAlignReader().split(table);
    expect(pieces[0]).to.deep.equal({
      text: '| a | b | c | d |\n|:--|--:|:-:|---|\n',
      align: ['left', 'right', 'center', ''],
    });
  });

  it('takes a thematic break, a list or an overlong line for what they are', () => {
    expect(read('Text\n\n---\n\n- item\n').found).to.deep.equal([]);
    expect(read(`|${'-'.repeat(500)}|\n`, 50).found).to.deep.equal([]);
  });
});
