/**
 * `text` as lines of at most `width` characters, broken at spaces (a word
 * longer than a line is cut into pieces), so a sentence is read whole instead
 * of cut at the screen's edge. `indent` starts every line but the first (a
 * continuation under the text, not under the line's marker). Characters are
 * counted as one cell each: the text this wraps (plans, alerts, log lines)
 * is ASCII but for a few one-cell symbols.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const room = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line);
    line = indent;
  };
  const words = text.split(' ');
  words.forEach((word, index) => {
    const separator = index === 0 || line === indent ? '' : ' ';
    if (length(line) + separator.length + length(word) <= room) {
      line += separator + word;
      return;
    }
    if (line !== indent && line !== '') push();
    let rest = [...word];
    // Room on a line: a continuation line starts with the indent (never all of it, so the word goes on).
    while (length(line) + rest.length > room) {
      const fits = Math.max(1, room - length(line));
      line += rest.slice(0, fits).join('');
      rest = rest.slice(fits);
      push();
    }
    line += rest.join('');
  });
  lines.push(line);
  return lines;
}

function length(text: string): number {
  return [...text].length;
}
