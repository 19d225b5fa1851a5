/**
 * The fenced code blocks of a Markdown page, with their info string and the `<!-- doctest … -->`
 * comment right before them: what docs/README.md calls the doc-test convention. Parsing refuses what it
 * does not know (an info string, an attribute, a directive key, a skip reason), so a block cannot
 * escape the test by a typo.
 */

/** How a block is run (see docs/README.md). */
export type BlockKind = 'sh' | 'console' | 'program' | 'file' | 'skip' | 'text';

export interface Directives {
  setup?: string;
  wait?: string;
  then?: string;
  expect?: string;
  until?: string;
  stdout?: string;
  background?: boolean;
  stop?: NodeJS.Signals;
  cleanup?: string;
  mail?: string;
}

export interface DocBlock {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  kind: BlockKind;
  /** `file=NAME`: where the block is written in the sandbox. */
  file?: string;
  /** `skip=REASON`. */
  skip?: string;
  code: string;
  directives: Directives;
}

/** Why a block may be left unrun, and nothing else. */
export const SKIP_REASONS = {
  installs: 'npm ci / npm install: it would change the checkout, or run the tests themselves',
  'root-system': 'changes system settings (sysctl, /etc)',
} as const;

const RUN_LANGS: Record<string, BlockKind> = { sh: 'sh', console: 'console', js: 'program', ts: 'program' };
const TEXT_LANGS = new Set(['text', 'yaml', 'diff']);
const DIRECTIVE_KEYS = new Set(['setup', 'wait', 'then', 'expect', 'until', 'stdout', 'background', 'stop', 'cleanup', 'mail']);

function fail(page: string, line: number, message: string): never {
  throw new Error(`${page}:${line}: ${message}`);
}

/** `key: value` lines; `key: |` takes the indented lines below it; a value in double quotes is JSON. */
export function parseDirectives(body: string, page: string, line: number): Directives {
  const out: Record<string, string | boolean> = {};
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    const m = /^([a-z]+):\s?(.*)$/.exec(text);
    if (!m) fail(page, line + i, `doctest: not a "key: value" line: ${text}`);
    const [, key, raw] = m as unknown as [string, string, string];
    if (!DIRECTIVE_KEYS.has(key)) fail(page, line + i, `doctest: unknown key '${key}' (known: ${[...DIRECTIVE_KEYS].join(', ')})`);
    let value: string = raw.trim();
    if (value === '|') {
      const block: string[] = [];
      while (i + 1 < lines.length && /^\s+/.test(lines[i + 1]!)) block.push(lines[++i]!.replace(/^\s{2}/, ''));
      value = block.join('\n');
    } else if (value.startsWith('"')) value = JSON.parse(value) as string;
    out[key] = key === 'background' ? value === 'true' : value;
  }
  if (out.stop !== undefined && !/^[A-Z]+$/.test(String(out.stop))) fail(page, line, `doctest: stop: a signal name such as INT`);
  if (out.stop !== undefined) out.stop = `SIG${String(out.stop)}`;
  return out as Directives;
}

/** Every fenced block of `markdown`, in order. */
export function docBlocks(markdown: string, page: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  let pending: { directives: Directives; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.startsWith('<!-- doctest')) {
      const start = i;
      const body: string[] = [];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('-->')) body.push(lines[++i]!);
      i++;
      if (lines[i + 1]?.startsWith('```') !== true) fail(page, start + 1, 'a doctest comment must come right before a code block');
      pending = { directives: parseDirectives(body.join('\n'), page, start + 2), line: start + 1 };
      continue;
    }
    const fence = /^(\s*)```(.*)$/.exec(text);
    if (!fence) continue;
    const [, indent, info] = fence as unknown as [string, string, string];
    const code: string[] = [];
    while (i + 1 < lines.length && !/^\s*```\s*$/.test(lines[i + 1]!)) code.push(lines[++i]!.slice(indent.length));
    i++;
    const [lang = '', ...attrs] = info.trim().split(/\s+/);
    const block: DocBlock = {
      page,
      line: i - code.length,
      lang,
      kind: 'text',
      code: `${code.join('\n')}\n`,
      directives: pending?.directives ?? {},
    };
    pending = undefined;
    for (const attr of attrs) {
      const [key, value] = attr.split('=');
      if (key === 'file' && value) block.file = value;
      else if (key === 'skip' && value) block.skip = value;
      else fail(page, block.line, `unknown info-string attribute '${attr}' (file=NAME, skip=REASON)`);
    }
    // The set-up commands (npm ci, npm install) would change the checkout or run these tests themselves.
    if (block.skip === undefined && lang === 'sh' && /^npm (ci|install)\b/.test(block.code)) block.skip = 'installs';
    if (block.skip !== undefined) {
      if (!(block.skip in SKIP_REASONS))
        fail(page, block.line, `skip=${block.skip}: not an allowed reason (${Object.keys(SKIP_REASONS).join(', ')})`);
      block.kind = 'skip';
    } else if (block.file !== undefined) block.kind = 'file';
    else if (RUN_LANGS[lang] !== undefined) block.kind = RUN_LANGS[lang]!;
    else if (!TEXT_LANGS.has(lang))
      fail(page, block.line, `code block with info string '${info}': give sh, console, js, ts, text, yaml or diff (docs/README.md)`);
    const runs = block.kind === 'sh' || block.kind === 'program' || block.kind === 'console';
    if (Object.keys(block.directives).length > 0 && !runs)
      fail(page, block.line, `a doctest comment on a block that is not run (${lang || 'no info string'})`);
    blocks.push(block);
  }
  return blocks;
}
