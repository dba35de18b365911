/**
 * Parsing of root-shell command lines: `;`-separated commands, words with single or double
 * quotes and backslash escapes, and one output redirection `> PATH`.
 */
export interface ShellCommand {
  argv: string[];
  /** Target of `>` redirection, if any. */
  redirect?: string;
  /** The command as typed (for messages). */
  text: string;
}

export class ShellSyntaxError extends Error {}

export function parseLine(line: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let cur = '';
  let inWord = false;
  let redirect: string | undefined;
  let expectRedirect = false;
  let start = 0;
  const endWord = (): void => {
    if (!inWord) return;
    if (expectRedirect) {
      redirect = cur;
      expectRedirect = false;
    } else words.push(cur);
    cur = '';
    inWord = false;
  };
  const endCommand = (i: number): void => {
    endWord();
    if (expectRedirect) throw new ShellSyntaxError("syntax error: missing file name after '>'");
    const text = line.slice(start, i).trim();
    if (words.length) out.push({ argv: words, redirect, text });
    else if (redirect) throw new ShellSyntaxError("syntax error near '>'");
    words = [];
    redirect = undefined;
    start = i + 1;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'" || ch === '"') {
      const close = line.indexOf(ch, i + 1);
      if (close < 0) throw new ShellSyntaxError(`syntax error: unterminated ${ch === '"' ? 'double' : 'single'} quote`);
      cur += line.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (ch === ';') {
      endCommand(i);
    } else if (ch === '#' && !inWord) {
      endCommand(i);
      start = line.length;
      break;
    } else if (ch === '>') {
      endWord();
      if (expectRedirect || redirect !== undefined) throw new ShellSyntaxError("syntax error near '>'");
      expectRedirect = true;
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else {
      cur += ch;
      inWord = true;
    }
  }
  endCommand(line.length);
  return out;
}
