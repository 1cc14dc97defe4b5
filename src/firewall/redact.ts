/**
 * Redaction before anything leaves the engine (audit preview, reasons, CLI output): the original
 * logged raw arguments everywhere (reference §12.2, I-2). Patterns come from settings.json
 * `text.secrets`; each match becomes `[REDACTED:<name>]`.
 */
export interface Redactor {
  redact(text: string): string;
  /** True when the text contains something the patterns call a secret. */
  hasSecret(text: string): boolean;
}

export function createRedactor(patterns: ReadonlyArray<{ name: string; regex: string }>): Redactor {
  const compiled = patterns.map((p) => ({ name: p.name, re: new RegExp(p.regex, 'g') }));
  return {
    redact(text) {
      let out = text;
      for (const { name, re } of compiled) out = out.replace(re, `[REDACTED:${name}]`);
      return out;
    },
    hasSecret(text) {
      return compiled.some(({ re }) => {
        re.lastIndex = 0;
        const hit = re.test(text);
        re.lastIndex = 0;
        return hit;
      });
    },
  };
}

/** Redacted, length-bounded preview of a tool input for logs. */
export function preview(redactor: Redactor, json: string, max = 240): string {
  const r = redactor.redact(json);
  return r.length > max ? r.slice(0, max - 1) + '…' : r;
}
