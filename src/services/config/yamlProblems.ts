import type { LineCounter, YAMLError } from 'yaml';
import type { ConfigProblem } from './ConfigError.js';

/**
 * YAML syntax errors as config problems. The position comes from the parser;
 * the message is its first line only, because `prettyErrors` appends a source
 * excerpt and every problem must fit on one line.
 */
export function yamlProblems(errors: readonly YAMLError[], text: string, file: string, lineCounter: LineCounter): ConfigProblem[] {
  const at = (error: YAMLError) => error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
  const tabs = errors.filter((error) => error.code === 'TAB_AS_INDENT');
  const firstTab = tabs[0];
  if (firstTab !== undefined) {
    // A tab makes the parser lose the indentation, and every line after it then "fails" too
    // (compact mappings, implicit keys): one tab gave 29 lines. Report the tab once, with every
    // line that has one, and only the errors before it, which are real.
    const tabLine = at(firstTab).line;
    const before = errors.filter((error) => error.code !== 'TAB_AS_INDENT' && at(error).line < tabLine);
    const lines = [...new Set(tabs.map((error) => at(error).line))];
    const others = lines.length > 1 ? ` (lines ${lines.join(', ')})` : '';
    return [
      ...before.map((error) => ({ file, line: at(error).line, column: at(error).col, key: '(yaml)', message: yamlMessage(error, text) })),
      {
        file,
        line: tabLine,
        column: at(firstTab).col,
        key: '(yaml)',
        message: `a tab is used for indentation${others}; YAML allows only spaces: indent with spaces`,
      },
    ];
  }
  return errors.map((error) => {
    const { line, col } = at(error);
    return { file, line, column: col, key: '(yaml)', message: yamlMessage(error, text) };
  });
}

function yamlMessage(error: YAMLError, text: string): string {
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return `duplicate key ${JSON.stringify(keyAt(text, error.pos[0]))}: a key may appear only once in a mapping`;
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second "---"); pgcockpit reads exactly one';
    default:
      return plainMessage(error.message);
  }
}

/** The parser's own sentence, without the " at line L, column C:" and excerpt that prettyErrors adds. */
function plainMessage(message: string): string {
  const firstLine = message.split('\n', 1)[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '');
}

/** The key written at `offset`: up to its colon, without quotes. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset).split('\n', 1)[0] ?? '';
  const key = (rest.match(/^(?:"[^"]*"|'[^']*'|[^:]*)/)?.[0] ?? rest).trim();
  return key.replace(/^(["'])(.*)\1$/, '$2');
}
