import type { LineCounter, YAMLError } from 'yaml';
import type { ConfigProblem } from './ConfigError.js';

/**
 * YAML syntax errors as config problems. The position comes from the parser;
 * the message is its first line only, because `prettyErrors` appends a source
 * excerpt and every problem must fit on one line.
 */
export function yamlProblems(errors: readonly YAMLError[], text: string, file: string, lineCounter: LineCounter): ConfigProblem[] {
  return errors.map((error) => {
    const { line, col } = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    return { file, line, column: col, key: '(yaml)', message: yamlMessage(error, text) };
  });
}

function yamlMessage(error: YAMLError, text: string): string {
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return `duplicate key ${JSON.stringify(keyAt(text, error.pos[0]))}: a key may appear only once in a mapping`;
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation; YAML allows only spaces';
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
