/**
 * A runbook's parameter form, as data in its registry entry: what it asks
 * before planning (a node, a recovery target time, a toggle), the defaults,
 * how a value is checked, and the command-line flag each field is, so the plan
 * can show the CLI line that makes the same plan.
 */

/** A value as the form holds it: text and choices as strings, toggles as booleans. */
export type FormValue = string | boolean;
export type FormValues = Readonly<Record<string, FormValue>>;

interface FieldBase {
  /** The key in the values handed to fromForm(). */
  name: string;
  label: string;
  /** The subcommand's flag for this field ("--from"); absent: not on the command line. */
  flag?: string;
  /** Why the default is what it is, shown under the field ("primary: the node the others stream from"). */
  hint?: string;
}

/**
 * A list the cockpit reads from the target when the form opens (the
 * entry's formLists): 'databases' is the node's pg_database, each value with
 * a note shown beside it ("2 GB").
 */
export type LiveSource = 'databases';
export interface LiveChoice {
  value: string;
  note?: string;
}
export type LiveLists = Partial<Record<LiveSource, readonly LiveChoice[]>>;

export type FormField =
  /** One of a list: 'nodes' is the cluster's node names, as the config lists them; a LiveSource is read from the target. */
  | (FieldBase & { kind: 'choice'; choices: 'nodes' | LiveSource | readonly string[]; default?: string; also?: readonly string[] })
  /**
   * Free text; validate says why a value is refused, undefined when it is fine.
   * repeatable: a comma-separated list, its flag given once per item (`--table a --table b`).
   */
  | (FieldBase & { kind: 'text'; default?: string; repeatable?: boolean; validate?(value: string): string | undefined })
  | (FieldBase & { kind: 'toggle'; default: boolean });

export interface FormSpec {
  fields: readonly FormField[];
}

/** How a runbook's target and subcommand are written on the command line (the entry's cli). */
export interface FormCli {
  name: string;
  target: { argument: string } | { option: string };
}

type ChoiceField = Extract<FormField, { kind: 'choice' }>;

/** The choices of a choice field, 'nodes' resolved from the config's node names and a live source from `live`, after the ones it `also` offers first ("primary"). */
export function fieldChoices(field: ChoiceField, nodeNames: readonly string[], live?: LiveLists): readonly string[] {
  const listed = field.choices === 'nodes' ? nodeNames : typeof field.choices === 'string' ? (live?.[field.choices] ?? []).map((choice) => choice.value) : field.choices;
  return [...(field.also ?? []), ...listed];
}

/** A choice from a live list that was not read (the command line, or not yet): any value is taken, the planner checks it. */
export function liveListUnread(field: ChoiceField, live?: LiveLists): field is ChoiceField & { choices: LiveSource } {
  return typeof field.choices === 'string' && field.choices !== 'nodes' && live?.[field.choices] === undefined;
}

/** The note beside a live choice's value ("2 GB"), if it has one. */
export function choiceNote(field: ChoiceField, value: string, live?: LiveLists): string | undefined {
  return typeof field.choices === 'string' && field.choices !== 'nodes' ? live?.[field.choices]?.find((choice) => choice.value === value)?.note : undefined;
}

/** Every field at its default: a choice without one takes its first, text is empty, a toggle its own default. */
export function initialFormValues(spec: FormSpec, nodeNames: readonly string[], live?: LiveLists): Record<string, FormValue> {
  const values: Record<string, FormValue> = {};
  for (const field of spec.fields) {
    if (field.kind === 'choice') values[field.name] = field.default ?? fieldChoices(field, nodeNames, live)[0] ?? '';
    else if (field.kind === 'text') values[field.name] = field.default ?? '';
    else values[field.name] = field.default;
  }
  return values;
}

/** Why each invalid field is refused, by name; empty: the form may be planned. */
export function formErrors(spec: FormSpec, values: FormValues, nodeNames: readonly string[], live?: LiveLists): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of spec.fields) {
    const value = values[field.name];
    if (field.kind === 'choice') {
      if (liveListUnread(field, live)) continue;
      const choices = fieldChoices(field, nodeNames, live);
      if (typeof value !== 'string' || !choices.includes(value)) errors[field.name] = choices.length > 0 ? `choose one of ${choices.join(', ')}` : 'nothing to choose from';
    } else if (field.kind === 'text') {
      const why = field.validate?.(typeof value === 'string' ? value : '');
      if (why !== undefined) errors[field.name] = why;
    }
  }
  return errors;
}

/** "from=pg2, time=2026-11-30 12:00:00, rewind=yes": what the plan was made with. */
export function formValuesText(spec: FormSpec, values: FormValues): string {
  return spec.fields.map((field) => `${field.name}=${formatValue(values[field.name])}`).join(', ');
}

/** The command line that makes the same plan and runs it: "pgcockpit rebuild pg1 --from pg2 --method rewind --yes". */
export function cliLine(cli: FormCli, target: string, spec: FormSpec, values: FormValues): string {
  const words = ['pgcockpit', cli.name];
  if ('argument' in cli.target) words.push(shellWord(target));
  else words.push(cli.target.option.split(' ')[0]!, shellWord(target));
  for (const field of spec.fields) {
    if (!field.flag) continue;
    const value = values[field.name];
    if (field.kind === 'toggle') {
      if (value === true) words.push(field.flag);
    } else if (field.kind === 'text' && field.repeatable && typeof value === 'string') {
      for (const item of value.split(',').map((part) => part.trim()).filter((part) => part !== '')) words.push(field.flag, shellWord(item));
    } else if (typeof value === 'string' && value !== '') words.push(field.flag, shellWord(value));
  }
  words.push('--yes');
  return words.join(' ');
}

function formatValue(value: FormValue | undefined): string {
  return value === true ? 'yes' : value === false ? 'no' : (value ?? '');
}

/** A word the shell reads back as the same value: quoted when it holds anything but plain characters. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
