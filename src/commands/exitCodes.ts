/** Exit codes of the pgcockpit command. */
export const EXIT_OK = 0;
/** Something failed while running (a server did not start, a tool failed). */
export const EXIT_FAILURE = 1;
/** The command line or the config file is wrong: fix it and run again. */
export const EXIT_USAGE = 2;
