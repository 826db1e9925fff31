/** The version written into reports (the report package's, kept with the CLI's). */
export const VERSION = "0.1.0";
