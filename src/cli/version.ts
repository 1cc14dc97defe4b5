/** Product version, stamped into evidence bundles and `aegis --version`. Keep in step with package.json. */
export const VERSION = '0.1.0';
