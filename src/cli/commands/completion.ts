// `blockgate completion bash|zsh|fish`: a completion script derived from the command table the
// parser runs with (each command's builder, its flags and its subcommands), never a copied list.

import yargs, { type CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { EXIT } from '../exit.js';
import type { Runner } from '../context.js';

export interface FlagSpec { name: string; takesValue: boolean; describe: string }
export interface CommandSpec { name: string; describe: string; flags: FlagSpec[]; subcommands: CommandSpec[] }

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** The parser's view of a yargs instance that the table is read from. */
interface Built {
  getOptions(): { key: Record<string, unknown>; boolean: string[] };
  getInternalMethods(): {
    getCommandInstance(): { getCommandHandlers(): Record<string, { original: string; description: string | false; builder: unknown }> };
    getUsageInstance(): { getDescriptions(): Record<string, string | undefined> };
  };
}

function specOf(command: string, describe: unknown, builder: unknown): CommandSpec {
  const y = yargs([]) as unknown as Built;
  if (typeof builder === 'function') (builder as (y: unknown) => unknown)(y);
  else if (builder !== undefined && builder !== null) (y as unknown as { options(o: unknown): unknown }).options(builder);
  const options = y.getOptions();
  const descriptions = y.getInternalMethods().getUsageInstance().getDescriptions();
  // yargs adds a camelCase twin of every kebab-case flag; only the spelling --help shows is completed.
  const flags = Object.keys(options.key).filter((k) => k.length > 1 && !/[A-Z]/.test(k)).sort().map((name) => ({
    name, takesValue: !options.boolean.includes(name), describe: descriptions[name] ?? '',
  }));
  const handlers = y.getInternalMethods().getCommandInstance().getCommandHandlers();
  const subcommands = Object.values(handlers).map((h) => specOf(h.original, h.description, h.builder));
  return { name: command.split(' ')[0]!, describe: typeof describe === 'string' ? describe : '', flags, subcommands };
}

/** Every command, subcommand and flag of the command line, from its modules. */
export function commandTable(modules: readonly CommandModule<any, any>[]): CommandSpec[] {
  return modules.map((m) => specOf(String(Array.isArray(m.command) ? m.command[0] : m.command), m.describe, m.builder));
}

/** Every command path ('' for the top level, 'ledger', 'ledger append') with its spec. */
function paths(table: readonly CommandSpec[], prefix = ''): { path: string; spec: CommandSpec }[] {
  return table.flatMap((spec) => {
    const path = prefix === '' ? spec.name : `${prefix} ${spec.name}`;
    return [{ path, spec }, ...paths(spec.subcommands, path)];
  });
}

const words = (list: readonly string[]) => list.join(' ');
const singleQuoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function caseArms(table: readonly CommandSpec[], arm: (spec: CommandSpec | undefined, path: string) => string): string {
  const rows = [{ path: '', spec: undefined as CommandSpec | undefined }, ...paths(table)];
  return rows.map(({ path, spec }) => `    ${singleQuoted(path)}) ${arm(spec, path)} ;;`).join('\n');
}

const subcommandNames = (table: readonly CommandSpec[], spec: CommandSpec | undefined) => (spec === undefined ? table : spec.subcommands).map((s) => s.name);
const flagNames = (spec: CommandSpec | undefined) => (spec === undefined ? ['--help', '--version'] : spec.flags.map((f) => `--${f.name}`));

function bash(table: readonly CommandSpec[]): string {
  return `# blockgate completion for bash: source <(blockgate completion bash)
_blockgate_subcommands() {
  case "$1" in
${caseArms(table, (spec) => `echo ${singleQuoted(words(subcommandNames(table, spec)))}`)}
  esac
}
_blockgate_flags() {
  case "$1" in
${caseArms(table, (spec) => `echo ${singleQuoted(words(flagNames(spec)))}`)}
  esac
}
_blockgate() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    # After --, the words are exec's command line: complete them as files.
    [[ "$w" == "--" ]] && return 0
    [[ "$w" == -* ]] && continue
    case " $(_blockgate_subcommands "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_blockgate_flags "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_blockgate_subcommands "$path")" -- "$cur"))
  fi
}
complete -o default -F _blockgate blockgate
`;
}

function zsh(table: readonly CommandSpec[]): string {
  return `#compdef blockgate
# blockgate completion for zsh: source <(blockgate completion zsh), or save as _blockgate in $fpath
_blockgate_subcommands() {
  case "$1" in
${caseArms(table, (spec) => `reply=(${words(subcommandNames(table, spec))})`)}
    *) reply=() ;;
  esac
}
_blockgate_flags() {
  case "$1" in
${caseArms(table, (spec) => `reply=(${words(flagNames(spec))})`)}
    *) reply=() ;;
  esac
}
_blockgate() {
  local cmdpath="" w i
  local -a reply
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    if [[ "$w" == "--" ]]; then _files; return; fi
    [[ "$w" == -* ]] && continue
    _blockgate_subcommands "$cmdpath"
    if (( \${reply[(Ie)$w]} )); then cmdpath="\${cmdpath:+$cmdpath }$w"; fi
  done
  if [[ "\${words[CURRENT]}" == -* ]]; then
    _blockgate_flags "$cmdpath"
    compadd -- "\${reply[@]}"
    return
  fi
  _blockgate_subcommands "$cmdpath"
  if (( \${#reply} )); then compadd -- "\${reply[@]}"; else _files; fi
}
if [[ "\${funcstack[1]}" == "_blockgate" ]]; then _blockgate "$@"; else compdef _blockgate blockgate; fi
`;
}

function fish(table: readonly CommandSpec[]): string {
  const lines = ['# blockgate completion for fish: blockgate completion fish | source', 'complete -c blockgate -f'];
  const top = words(table.map((s) => s.name));
  for (const { path, spec } of paths(table)) {
    const parts = path.split(' ');
    const parent = parts.slice(0, -1);
    const siblings = words((parent.length === 0 ? table : paths(table).find((p) => p.path === parent.join(' '))!.spec.subcommands).map((s) => s.name));
    const seen = parent.map((p) => `__fish_seen_subcommand_from ${p}`);
    const condition = parent.length === 0 ? `not __fish_seen_subcommand_from ${top}` : [...seen, `not __fish_seen_subcommand_from ${siblings}`].join('; and ');
    lines.push(`complete -c blockgate -n ${singleQuoted(condition)} -a ${spec.name} -d ${singleQuoted(spec.describe)}`);
    const here = parts.map((p) => `__fish_seen_subcommand_from ${p}`).join('; and ');
    for (const flag of spec.flags) {
      lines.push(`complete -c blockgate -n ${singleQuoted(here)} -l ${flag.name}${flag.takesValue ? ' -r -F' : ''} -d ${singleQuoted(flag.describe)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, table: readonly CommandSpec[]): string {
  return { bash, zsh, fish }[shell](table);
}

/** `completion`: `table` gives the command line's own modules (read when the command runs). */
export function completionCommand(run: Runner, modules: () => readonly CommandModule<any, any>[]): CommandModule<object, { shell: string }> {
  return {
    command: 'completion <shell>',
    describe: 'print a completion script for bash, zsh or fish',
    builder: (y) => y.positional('shell', { type: 'string', describe: 'bash, zsh or fish' }) as never,
    handler: (argv) => run(async () => {
      const shell = argv.shell;
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new BlockgateError('usage', `completion for ${JSON.stringify(shell)} is not available; give one of ${SHELLS.join(', ')}`);
      }
      return { output: completionScript(shell as Shell, commandTable(modules())), exitCode: EXIT.ok };
    }),
  };
}
