import { checkHostileMarkdown, checkHostileMarkdownWithImages } from '../support/markdown-checks.ts';

/**
 * `npm run attack:markdown-fuzz`: the property tests of markdown.limits.test.ts
 * with 3,000 runs and a new seed each time (fast-check prints the seed and the
 * smallest failing answer when one fails). Not part of npm test: it takes minutes.
 */
describe('markdown fuzz (long run)', () => {
  it('3,000 random and adversarial answers stay bounded, inert and request nothing', function (this: {
    timeout(ms: number): void;
  }) {
    this.timeout(3_600_000);
    checkHostileMarkdown(3_000);
  });

  it('1,000 random answers with allow-images make images only of http(s) URLs', function (this: {
    timeout(ms: number): void;
  }) {
    this.timeout(3_600_000);
    checkHostileMarkdownWithImages(1_000);
  });
});
