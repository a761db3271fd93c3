// Every relative link in the repository's Markdown leads somewhere, and no file names a document
// the repository does not have. A link is checked against the tracked files (what a fresh clone
// holds, not what happens to lie in this checkout), and a `#fragment` into a Markdown file against
// the anchors GitHub gives its headings. External links (http:, https:, mailto:, …) are not
// followed. markdown-it reads the Markdown, so links inside code spans and code blocks are not
// links, and reference-style links are resolved as a renderer would.
import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

/** A link or a mention that leads nowhere, with where it is and why. */
export interface BrokenReference {
  /** The file holding it, relative to the repository root. */
  file: string;
  line: number;
  /** The link's target or the mentioned path, as written. */
  target: string;
  reason: string;
}

export interface MarkdownLink {
  target: string;
  line: number;
}

/** Reads a file of the tree being checked, by its path relative to the root. */
export type ReadFile = (path: string) => string;

const markdown = new MarkdownIt({ html: true });
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const HTML_LINK = /\b(?:href|src)\s*=\s*"([^"]*)"/gi;
const HTML_ANCHOR = /\b(?:id|name)\s*=\s*"([^"]*)"/gi;

/** The files git tracks under `root`, relative to it, with `/` separators. */
export function trackedFiles(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.split('\0').filter((f) => f !== '');
}

/** The links and image sources of a Markdown text, in order, with their lines (1-based). */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let blockLine = 1;
  for (const block of markdown.parse(text, {})) {
    // Cells of a table carry no line of their own: they are on the line of their row.
    if (block.map) blockLine = block.map[0] + 1;
    let line = blockLine;
    for (const token of block.children ?? [block]) {
      if (token.type === 'softbreak' || token.type === 'hardbreak') line += 1;
      else if (token.type === 'link_open') links.push({ target: token.attrGet('href') ?? '', line });
      else if (token.type === 'image') links.push({ target: token.attrGet('src') ?? '', line });
      else if (token.type === 'html_block' || token.type === 'html_inline') {
        for (const m of token.content.matchAll(HTML_LINK)) links.push({ target: m[1] ?? '', line });
      }
    }
  }
  return links;
}

/**
 * GitHub's anchor for a heading's text: lower case, punctuation dropped (letters, digits, `_`, `-`
 * and spaces stay), spaces as `-`.
 */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

function plainText(tokens: Token[]): string {
  return tokens
    .map((t) =>
      t.type === 'text' || t.type === 'code_inline' ? t.content : t.children ? plainText(t.children) : '',
    )
    .join('');
}

/** The anchors a Markdown text offers: its headings' (repeats numbered `-1`, `-2`, …) and HTML ids. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const tokens = markdown.parse(text, {});
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') {
      const slug = headingSlug(plainText(tokens[i + 1]?.children ?? []));
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    if (token.type === 'html_block' || token.type === 'html_inline' || token.type === 'inline') {
      const html =
        token.type === 'inline'
          ? (token.children ?? []).map((c) => (c.type === 'html_inline' ? c.content : '')).join(' ')
          : token.content;
      for (const m of html.matchAll(HTML_ANCHOR)) anchors.add(m[1] ?? '');
    }
  });
  return anchors;
}

/** Every directory that holds a tracked file, and the root (''). */
function directoriesOf(files: readonly string[]): Set<string> {
  const dirs = new Set<string>(['']);
  for (const file of files) {
    for (let dir = posix.dirname(file); dir !== '.' && !dirs.has(dir); dir = posix.dirname(dir))
      dirs.add(dir);
  }
  return dirs;
}

function decode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The relative links of the Markdown files among `files` that lead nowhere: to a path no tracked
 * file or folder has, or to a `#fragment` no heading of the target Markdown file has.
 */
export function brokenMarkdownLinks(files: readonly string[], read: ReadFile): BrokenReference[] {
  const tracked = new Set(files);
  const dirs = directoriesOf(files);
  const anchorsCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let anchors = anchorsCache.get(file);
    if (!anchors) {
      anchors = headingAnchors(read(file));
      anchorsCache.set(file, anchors);
    }
    return anchors;
  };
  const broken: BrokenReference[] = [];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    for (const { target, line } of markdownLinks(read(file))) {
      if (HAS_SCHEME.test(target) || target.startsWith('//')) continue;
      const hash = target.indexOf('#');
      const pathPart = decode(hash === -1 ? target : target.slice(0, hash)).split('?')[0] ?? '';
      const fragment = hash === -1 ? undefined : decode(target.slice(hash + 1));
      const resolved =
        pathPart === ''
          ? file
          : posix.normalize(
              pathPart.startsWith('/') ? pathPart.slice(1) : posix.join(posix.dirname(file), pathPart),
            );
      const path = resolved.replace(/\/+$/, '');
      if (path === '' || path.startsWith('..')) {
        if (path.startsWith('..'))
          broken.push({ file, line, target, reason: 'leads outside the repository' });
        continue;
      }
      if (!tracked.has(path) && !dirs.has(path)) {
        broken.push({ file, line, target, reason: `${path} is not in the repository` });
        continue;
      }
      if (fragment && tracked.has(path) && path.endsWith('.md') && !anchorsOf(path).has(fragment)) {
        broken.push({ file, line, target, reason: `${path} has no heading with the anchor #${fragment}` });
      }
    }
  }
  return broken;
}

const MENTION = /(?<![\w./-])((?:\.{1,2}\/)*[\w][\w.-]*(?:\/[\w.-]+)*\.md)(?![\w/-])/g;
const URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)'"`>\]]+/gi;

/** Whether a file's bytes look like text (no NUL in the first 8 KiB). */
export function isText(bytes: Buffer): boolean {
  return !bytes.subarray(0, 8192).includes(0);
}

/**
 * Paths to Markdown documents mentioned in `files` (in prose, comments or code) that are not in the
 * repository. A path resolves against the mentioning file's folder, any folder above it, or the
 * root — `docs/adr/0004-usage-ledger.md` in a comment deep in the tree is read from the root; a bare
 * name (`README.md`, or a file name code joins to its folder) against those folders first, then
 * every document's name. URLs are not mentions. A mention followed by a quoted section —
 * `ARCHITECTURE.md, "Data residency"`, even across a comment's line break — must name a heading of
 * that document.
 */
export function missingDocumentMentions(files: readonly string[], read: ReadFile): BrokenReference[] {
  const tracked = new Set(files);
  const byName = new Map<string, string>();
  for (const f of files) if (!byName.has(posix.basename(f))) byName.set(posix.basename(f), f);
  const sectionsCache = new Map<string, Set<string>>();
  const sectionsOf = (doc: string) => {
    let sections = sectionsCache.get(doc);
    if (!sections) {
      sections = quotableSections(read(doc));
      sectionsCache.set(doc, sections);
    }
    return sections;
  };
  const missing: BrokenReference[] = [];
  for (const file of files) {
    const lines = read(file).split('\n');
    lines.forEach((text, i) => {
      for (const m of text.replace(URL, (url) => ' '.repeat(url.length)).matchAll(MENTION)) {
        const mention = m[1] ?? '';
        const doc = resolveMention(file, mention, tracked, byName);
        if (!doc) {
          missing.push({ file, line: i + 1, target: mention, reason: `${mention} is not in the repository` });
          continue;
        }
        const rest = [text.slice((m.index ?? 0) + m[0].length), ...lines.slice(i + 1, i + 3).map(uncommented)]
          .join(' ')
          .replace(/\s+/g, ' ');
        const section = /^[`'*]*, "([^"]+)"/.exec(rest)?.[1];
        if (section && doc.endsWith('.md') && !sectionsOf(doc).has(headingSlug(section))) {
          missing.push({
            file,
            line: i + 1,
            target: `${mention}, "${section}"`,
            reason: `${doc} has no heading or bold lead-in "${section}"`,
          });
        }
      }
    });
  }
  return missing;
}

/**
 * What a quoted section may name in a document: a heading, or a bold lead-in (`**Periods are
 * registered by budgets.**` in a decision record's list), both compared by their GitHub slug.
 */
export function quotableSections(text: string): Set<string> {
  const sections = new Set<string>();
  for (const anchor of headingAnchors(text)) sections.add(anchor.replace(/-\d+$/, ''));
  for (const m of text.matchAll(/\*\*([^*]+)\*\*/g))
    sections.add(headingSlug((m[1] ?? '').replace(/[.:]\s*$/, '')));
  return sections;
}

/** A line of a comment or of Markdown prose without its comment marker. */
function uncommented(line: string): string {
  return line.replace(/^\s*(\/\/+|\*|#+)?\s?/, '');
}

/** The tracked file a mention names, or undefined. */
function resolveMention(
  file: string,
  mention: string,
  tracked: ReadonlySet<string>,
  byName: ReadonlyMap<string, string>,
): string | undefined {
  for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
    const base = dir === '.' ? '' : dir;
    const candidate = posix.normalize(posix.join(base, mention));
    if (tracked.has(candidate)) return candidate;
    if (base === '') break;
  }
  // A bare name (`agent-governor-operator.md` joined to its folder in code) is any document of that name.
  return mention.includes('/') ? undefined : byName.get(mention);
}
