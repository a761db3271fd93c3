import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../testing/repo-files.js';
import {
  type BrokenReference,
  brokenMarkdownLinks,
  headingAnchors,
  headingSlug,
  isText,
  markdownLinks,
  missingDocumentMentions,
  trackedFiles,
} from './markdown-links.js';

/** This file's own tables plant documents that do not exist, on purpose. */
const PLANTS_MISSING_DOCUMENTS = ['tools/markdown-links.test.ts'];

const files = trackedFiles(REPO_ROOT);
const readRepo = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const textFiles = files.filter(
  (f) =>
    f !== 'package-lock.json' &&
    !PLANTS_MISSING_DOCUMENTS.includes(f) &&
    isText(readFileSync(join(REPO_ROOT, f))),
);
const show = (refs: BrokenReference[]) => refs.map((r) => `${r.file}:${r.line}: ${r.target} — ${r.reason}`);

describe('the Markdown of this repository', () => {
  const links = brokenMarkdownLinks(files, readRepo);
  const mentions = missingDocumentMentions(textFiles, readRepo);

  it('has no relative link that leads nowhere', () => {
    assert.deepEqual(show(links), []);
  });

  it('is mentioned by no file that names a document the repository does not have', () => {
    assert.deepEqual(show(mentions), []);
  });
});

describe('brokenMarkdownLinks on a planted tree', () => {
  const tree: Record<string, string> = {
    'README.md': [
      '# Project',
      '',
      'See [the guide](docs/guide.md), [its setup](docs/guide.md#set-it-up) and [apis](apis/).',
      '[The notes](NOTES.md) are gone, and so is [a section](docs/guide.md#no-such-section).',
      '[Up and out](../elsewhere.md), [on the web](https://example.com/NOTES.md), [mail](mailto:a@b.c).',
      '',
      '`[not a link](nowhere.md)`',
      '',
      '```',
      '[nor this](nowhere.md)',
      '```',
      '',
      '## Own section',
      '',
      '[here](#own-section), [not here](#missing)',
    ].join('\n'),
    'docs/guide.md':
      '# Guide\n\n## Set it up\n\nBack [home](../README.md#project), [image](../apis/kind.ts).\n',
    'apis/kind.ts': 'export const kind = 1;\n',
  };
  const broken = brokenMarkdownLinks(Object.keys(tree), (path) => tree[path] ?? '');

  it('finds each link that leads nowhere, with its line and why', () => {
    assert.deepEqual(show(broken), [
      'README.md:4: NOTES.md — NOTES.md is not in the repository',
      'README.md:4: docs/guide.md#no-such-section — docs/guide.md has no heading with the anchor #no-such-section',
      'README.md:5: ../elsewhere.md — leads outside the repository',
      'README.md:15: #missing — README.md has no heading with the anchor #missing',
    ]);
  });

  it('passes when the planted link is mended', () => {
    const mended = { ...tree, 'NOTES.md': '# Notes\n' };
    const left = brokenMarkdownLinks(
      Object.keys(mended),
      (path) => mended[path as keyof typeof mended] ?? '',
    );
    assert.ok(!show(left).some((line) => line.includes('NOTES.md')));
  });
});

describe('missingDocumentMentions on a planted tree', () => {
  const tree: Record<string, string> = {
    'docs/adr/0004-usage-ledger.md': '# 4\n',
    'ARCHITECTURE.md':
      '# Architecture\n\n## Data residency\n\n- **Operator ↔ sidecar contract.** A bold lead-in, quotable too.\n',
    'webhooks/README.md': '# webhooks\n',
    'webhooks/residency/handler.ts': [
      '// Why: docs/adr/0004-usage-ledger.md; the table: README.md; the folder: ../README.md.',
      '// The reason lives in NOTES.md, "Data residency"; the runbook: join(dir, \'0004-usage-ledger.md\').',
      '// See https://github.com/example/project/blob/main/NOTES.md and docs/adr/0099-gone.md.',
      "const extension = '.md'; const pattern = '*.md';",
      '// Exempt namespaces (ARCHITECTURE.md, "Data residency"); the protocol (ARCHITECTURE.md, "Operator ↔',
      '// sidecar contract"); the reason (ARCHITECTURE.md, "Least privilege").',
    ].join('\n'),
  };
  it('lists the mentions and the quoted sections that resolve nowhere, and only those', () => {
    assert.deepEqual(show(missingDocumentMentions(Object.keys(tree), (path) => tree[path] ?? '')), [
      'webhooks/residency/handler.ts:2: NOTES.md — NOTES.md is not in the repository',
      'webhooks/residency/handler.ts:3: docs/adr/0099-gone.md — docs/adr/0099-gone.md is not in the repository',
      'webhooks/residency/handler.ts:6: ARCHITECTURE.md, "Least privilege" — ARCHITECTURE.md has no heading or bold lead-in "Least privilege"',
    ]);
  });
});

describe('markdownLinks', () => {
  it('reads inline links, images and HTML links, with their lines', () => {
    const text = 'a [x](one.md)\n\n![pic](images/p.png)\n\n<a href="two.md">two</a>\n';
    assert.deepEqual(markdownLinks(text), [
      { target: 'one.md', line: 1 },
      { target: 'images/p.png', line: 3 },
      { target: 'two.md', line: 5 },
    ]);
  });
});

describe('headingSlug and headingAnchors (GitHub anchors)', () => {
  const cases: Array<[string, string]> = [
    ['Quick start', 'quick-start'],
    ['Operator ↔ sidecar contract', 'operator--sidecar-contract'],
    ['`tools/` and `runtime/`', 'tools-and-runtime'],
    ['Budgets, actions, reset', 'budgets-actions-reset'],
    ['What it may import (1.0)', 'what-it-may-import-10'],
    ['snake_case stays', 'snake_case-stays'],
  ];
  for (const [heading, slug] of cases) {
    it(`${heading} → #${slug}`, () => assert.equal(headingSlug(heading), slug));
  }
  it('numbers repeated headings and reads the text of links and code in them', () => {
    const text = '# Tests\n\n## Tests\n\n## The [`runtime/`](runtime/) folder\n';
    assert.deepEqual([...headingAnchors(text)], ['tests', 'tests-1', 'the-runtime-folder']);
  });
});
