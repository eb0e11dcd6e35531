/** The tsips version, shown by MI `version` and `tsips -V`. */
export const VERSION = '0.1.0';
