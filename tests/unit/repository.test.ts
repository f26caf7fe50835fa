import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The repository stands on its own (issue 10, section 1): a fresh clone with nothing beside it has every file its
// code and comments name, and a fresh `npm install` on a supported Node warns about no engine.
const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path && !/\.(png|sse|ico)$|^package-lock\.json$/.test(path));
const texts = tracked.map((path) => ({ path, text: read(path) }));

describe('the repository', () => {
  it('refers to nothing beside the clone (the reading material in ../shared is not part of it)', () => {
    const outside = new RegExp(['\\.\\./shared', 'shared/fixtures', '/work/shared'].join('|'));
    const hits = texts.filter(({ path, text }) => path !== 'tests/unit/repository.test.ts' && outside.test(text));
    expect(hits.map(({ path }) => path)).toEqual([]);
  });

  it('cites no document a stranger does not have ("the lesson", "the course", "recipe step 4")', () => {
    const unseen = /(?<!over )\bthe (lesson|course)\b|\b(lesson|course)'s\b|\brecipe step\b/i;
    const hits = texts.filter(({ path, text }) => path !== 'tests/unit/repository.test.ts' && unseen.test(text));
    expect(hits.map(({ path }) => `${path}: ${unseen.exec(read(path))?.[0]}`)).toEqual([]);
  });

  it('has a section for every "upstream-protocol.md §…" and "security.md §…" its files cite', () => {
    // Headings ("### 1.2 …") and the numbered items of a section without subsections ("5. Edge cases", item 4: §5.4).
    const sections = (doc: string) => {
      const found = new Set<string>();
      let current = '';
      for (const line of read(`docs/${doc}`).split('\n')) {
        const heading = /^#+ (\d+(?:\.\d+)*)\.? /.exec(line)?.[1];
        const item = /^(\d+)\. /.exec(line)?.[1];
        if (heading) current = heading;
        else if (item && current) found.add(`${current}.${item}`);
        if (heading) found.add(heading);
      }
      return found;
    };
    const known = { 'upstream-protocol.md': sections('upstream-protocol.md'), 'security.md': sections('security.md') };
    const missing: string[] = [];
    for (const { path, text } of texts) {
      for (const [, doc, section] of text.matchAll(/(upstream-protocol\.md|security\.md),? ?§ ?(\d+(?:\.\d+)*)/g)) {
        if (!known[doc as keyof typeof known].has(section)) missing.push(`${path}: ${doc} §${section}`);
      }
    }
    expect(known['upstream-protocol.md'].size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});

/** The lowest version of each Node line `engines` accepts, e.g. `^20.19.0 || >=22.12.0` → 20.19.0 and 22.12.0. */
const lowestSupported = (range: string) => range.split('||').map((part) => parse(part.trim().replace(/^(\^|>=)/, '')));

type Version = [number, number, number];
const parse = (version: string): Version => {
  const [major, minor = 0, patch = 0] = version.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
  return [major, minor, patch];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * Whether `version` is in an `engines.node` range, for the forms the lock file holds (`>=X`, `>= X`, `^X`, `X.*`,
 * `X.x`, `*`, alternatives with `||`, comparators joined by spaces). Any other form fails the test, to be added here.
 */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|\^)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => {
        const form = /^(>=|\^)?(\d+(?:\.(?:\d+|x|\*))*)$/.exec(comparator);
        if (comparator === '*' || comparator === 'x') return true;
        if (!form) throw new Error(`an engines range this test cannot read: ${range}`);
        const [, operator, bound] = form;
        const wildcard = /\.(x|\*)/.test(bound) || !operator;
        const low = parse(bound);
        if (operator === '>=') return compare(version, low) >= 0;
        if (operator === '^') return compare(version, low) >= 0 && version[0] === low[0];
        // A bare or wildcard version: the same major (and minor, when it is given as a number).
        const given = bound.split('.').filter((part) => /^\d+$/.test(part)).length;
        return wildcard && version.slice(0, given).every((part, i) => part === low[i]);
      }),
  );
}

describe('the supported Node versions', () => {
  const engines: string = JSON.parse(read('package.json')).engines.node;
  const lowest = lowestSupported(engines);

  it('are one set in package.json, .nvmrc and the README', () => {
    expect(lowest.length).toBeGreaterThan(0);
    const nvmrc = read('.nvmrc').trim();
    expect(
      lowest.map(([major]) => major),
      `.nvmrc ${nvmrc}`,
    ).toContain(Number(nvmrc));
    const readme = read('README.md');
    for (const [major, minor] of lowest) expect(readme).toContain(`${major}.${minor} or later`);
    expect(readme).toContain(`\`.nvmrc\` says ${nvmrc}`);
  });

  it('are accepted by every package npm installs, so `npm install` prints no EBADENGINE', () => {
    // npm leaves out an optional package whose engines do not fit, without a warning.
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { optional?: boolean; engines?: { node?: string } | string[] }>;
    };
    const refusing: string[] = [];
    for (const [name, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!name || entry.optional || !range) continue;
      for (const version of lowest) {
        if (!satisfies(version, range)) refusing.push(`${name} wants node ${range}, not ${version.join('.')}`);
      }
    }
    expect(refusing).toEqual([]);
  });

  it('are read as npm reads them (a check of the check)', () => {
    expect(satisfies([20, 19, 0], '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies([20, 18, 3], '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies([20, 19, 0], '^22.20 || ^24.12 || >=25')).toBe(false);
    expect(satisfies([20, 19, 0], '>= 18.0.0')).toBe(true);
    expect(satisfies([20, 19, 0], '6.* || 8.* || >= 10.*')).toBe(true);
    expect(satisfies([20, 19, 0], '^18.17.0 || ^20.3.0 || >=21.0.0')).toBe(true);
    expect(satisfies([22, 12, 0], '^20.19.0 || ^22.13.0 || >=23.5.0')).toBe(false);
    expect(() => satisfies([20, 19, 0], '~20.1')).toThrow(/cannot read/);
  });
});

describe('the README, for a newcomer', () => {
  const readme = read('README.md');
  const firstScreen = readme.split('\n').slice(0, 40).join('\n');

  it('says in its first screen what it is, the two commands, the embed and what a Falcon deploy needs', () => {
    expect(firstScreen).toMatch(/^# falcon-chat\n\nAn AI chat for any web page/);
    expect(firstScreen).toContain('npm install && npm start');
    expect(firstScreen).toContain('npm test');
    expect(firstScreen).toContain('<falcon-chat ');
    expect(firstScreen).toMatch(/\*\*What a Falcon deploy needs\*\*[\s\S]*HF_TOKEN[\s\S]*HF_ENDPOINT_URL/);
    // How to embed it from a page of your own during `npm start`, and where the script is.
    expect(firstScreen).toContain('http://127.0.0.1:8787/falcon-chat.js');
    expect(firstScreen).toContain("echo 'ALLOWED_ORIGINS=");
  });

  it('uses one placeholder for the worker, as the demo page does', () => {
    const hosts = (text: string) => new Set(text.match(/[\w.-]+\.workers\.dev/g));
    expect([...hosts(readme)]).toEqual(['your-worker.example.workers.dev']);
    expect([...hosts(read('demo/public/index.html') + read('demo/public/demo.js'))]).toEqual([
      'your-worker.example.workers.dev',
    ]);
  });
});
