import { stripVTControlCharacters } from 'node:util';

/** OSC, DCS, APC, PM and SOS strings (a window title, a hyperlink target): their text is not output either. */
const CONTROL_STRINGS = /\u001b[\]P_^X][^\u0007\u001b]*(\u0007|\u001b\\)?/g;
/** C0 controls but tab, DEL and C1 controls: a stray one would move Ink's cursor or start a sequence. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/**
 * A line of program output as the log may draw it: escape sequences (colours,
 * cursor moves) and other control characters removed, tabs as spaces. The job
 * layer strips already; this is the view's own guard, since one raw ESC would
 * let a program's output restyle or move the whole screen.
 */
export function cleanLogText(text: string): string {
  return stripVTControlCharacters(text.replace(CONTROL_STRINGS, '')).replace(CONTROL_CHARACTERS, '').replace(/\t/g, '  ');
}
