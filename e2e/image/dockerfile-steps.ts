// A Dockerfile's instructions, and its runtime stage carried out without an engine: WORKDIR, ENV,
// COPY (from the build context, or from the build stage — this checkout once compiled, its test
// files left out as the build stage deletes them) and RUN (`sh -c`) into a directory that stands for
// the image's root filesystem. What the image would run, the test then runs from there.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN, … */
  keyword: string;
  /** `--from=build` and the like. */
  flags: Record<string, string>;
  /** Everything after the keyword and its flags, continuation lines joined. */
  text: string;
  /** The stage it belongs to (the name after `AS`, or its index). */
  stage: string;
  line: number;
}

/** The instructions of a Dockerfile, in order (comments and blank lines dropped). */
export function parseDockerfile(source: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = source.split('\n');
  let stage = '';
  let stages = 0;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i] ?? '';
    if (/^\s*(#|$)/.test(text)) continue;
    while (text.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? '';
      if (/^\s*#/.test(next)) continue;
      text = `${text.trimEnd().slice(0, -1)} ${next.trim()}`;
    }
    const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(text);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    let rest = match[2] ?? '';
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)=(\S+)\s+/.exec(rest); flag; flag = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
      flags[flag[1] ?? ''] = flag[2] ?? '';
      rest = rest.slice(flag[0].length);
    }
    if (keyword === 'FROM') stage = /\s+AS\s+(\S+)\s*$/i.exec(rest)?.[1] ?? String(stages);
    if (keyword === 'FROM') stages++;
    instructions.push({ keyword, flags, text: rest.trim(), stage, line: start + 1 });
  }
  return instructions;
}

/** The stages in order, with their instructions (global ARGs before the first FROM left out). */
export function stagesOf(instructions: Instruction[]): Map<string, Instruction[]> {
  const stages = new Map<string, Instruction[]>();
  for (const instruction of instructions) {
    if (instruction.stage === '') continue;
    stages.set(instruction.stage, [...(stages.get(instruction.stage) ?? []), instruction]);
  }
  return stages;
}

/** Exec form (`["node", "x"]`) as a list; undefined for shell form. */
export function execForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  return JSON.parse(text) as string[];
}

export interface ImageRun {
  /** Stands for the image's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: { uid: number; gid: number };
  entrypoint: string[];
  cmd: string[];
}

export interface StageContext {
  /** The build context (this checkout). */
  context: string;
  /** Where the build stage's WORKDIR is (COPY --from=build /src/x reads <context>/x). */
  buildStageWorkdir: string;
  /** Stands for the image's `/`. */
  root: string;
  /** npm's cache for RUN steps: seeded with hard links from ~/.npm, so `npm ci` need not download. */
  npmCache: string;
  log?: (line: string) => void;
}

/** Carries out the instructions of one stage into `root`. */
export async function runStage(instructions: Instruction[], ctx: StageContext): Promise<ImageRun> {
  const run: ImageRun = { root: ctx.root, workdir: '/', env: {}, entrypoint: [], cmd: [] };
  const inImage = (path: string) => join(ctx.root, isAbsolute(path) ? path : join(run.workdir, path));
  seedNpmCache(ctx.npmCache);
  for (const instruction of instructions) {
    const { keyword, text, flags } = instruction;
    if (keyword === 'WORKDIR') {
      run.workdir = isAbsolute(text) ? text : join(run.workdir, text);
      mkdirSync(inImage('.'), { recursive: true });
    } else if (keyword === 'ENV') {
      for (const [, name, value] of text.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
        run.env[name ?? ''] = (value ?? '').replace(/^"|"$/g, '');
      }
    } else if (keyword === 'COPY') {
      const parts = execForm(text) ?? text.split(/\s+/);
      const dest = parts.pop() ?? '.';
      for (const source of parts) {
        const from = flags['from']
          ? join(ctx.context, source.replace(new RegExp(`^${ctx.buildStageWorkdir}/?`), ''))
          : join(ctx.context, source);
        if (!existsSync(from))
          throw new Error(`line ${instruction.line}: COPY ${source}: ${from} does not exist`);
        const target =
          dest.endsWith('/') || parts.length > 1 ? join(inImage(dest), basename(from)) : inImage(dest);
        cpSync(from, target, {
          recursive: true,
          // The build stage deletes the compiled tests before they are copied.
          filter: (path) => !(flags['from'] && /\.test\.js(\.map)?$/.test(path)),
        });
      }
    } else if (keyword === 'RUN') {
      ctx.log?.(`RUN ${text}`);
      await exec('sh', ['-c', text], {
        cwd: inImage('.'),
        env: {
          ...process.env,
          ...run.env,
          npm_config_cache: ctx.npmCache,
          npm_config_update_notifier: 'false',
        },
        timeout: 600_000,
        maxBuffer: 64 << 20,
      }).catch((err: Error & { stderr?: string }) => {
        throw new Error(`line ${instruction.line}: RUN ${text} failed: ${err.stderr?.trim() || err.message}`);
      });
    } else if (keyword === 'USER') {
      const [uid, gid] = text.split(':').map(Number);
      if (!Number.isInteger(uid))
        throw new Error(`line ${instruction.line}: USER ${text} is not a numeric uid`);
      run.user = { uid: uid as number, gid: Number.isInteger(gid) ? (gid as number) : (uid as number) };
    } else if (keyword === 'ENTRYPOINT') {
      run.entrypoint = execForm(text) ?? ['sh', '-c', text];
    } else if (keyword === 'CMD') {
      run.cmd = execForm(text) ?? ['sh', '-c', text];
    }
  }
  return run;
}

function seedNpmCache(cache: string): void {
  const own = join(homedir(), '.npm', '_cacache');
  if (existsSync(join(cache, '_cacache')) || !existsSync(own) || !statSync(own).isDirectory()) return;
  mkdirSync(cache, { recursive: true });
  // Hard links: instant, and `npm cache clean` in the step removes only these links. Where they
  // cannot be made (another filesystem), npm downloads what it needs instead.
  try {
    execFileSync('cp', ['-al', own, join(cache, '_cacache')]);
  } catch {
    // npm fills the empty cache from the registry.
  }
}
