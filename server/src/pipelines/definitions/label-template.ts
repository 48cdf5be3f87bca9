/** Label templates: `${COUNT}`, `${<material>}` and `${<material>[:N]}` (the first N characters). */

const TOKEN = /\$\{([^}]*)\}/g;
const MATERIAL_TOKEN = /^([A-Za-z0-9._-]+)(?:\[:(\d+)\])?$/;

export interface LabelToken {
  raw: string;
  /** `COUNT`, or a material name. */
  name: string;
  /** Characters kept from the start of the material's revision, when `[:N]` is given. */
  length: number | null;
}

/** The tokens of a template; a token that is neither COUNT nor a well-formed material reference has name ''. */
export function labelTokens(template: string): LabelToken[] {
  return [...template.matchAll(TOKEN)].map((match) => {
    const inner = match[1];
    if (inner === 'COUNT') return { raw: match[0], name: 'COUNT', length: null };
    const reference = MATERIAL_TOKEN.exec(inner);
    return { raw: match[0], name: reference ? reference[1] : '', length: reference?.[2] ? Number(reference[2]) : null };
  });
}

/** The label of a run: the counter and the revisions (or upstream labels) of its materials filled in. */
export function renderLabel(template: string, counter: number, revisions: ReadonlyMap<string, string>): string {
  return template.replace(TOKEN, (raw, inner: string) => {
    if (inner === 'COUNT') return String(counter);
    const reference = MATERIAL_TOKEN.exec(inner);
    const value = reference ? revisions.get(reference[1]) : undefined;
    if (value === undefined) return raw;
    return reference?.[2] ? value.slice(0, Number(reference[2])) : value;
  });
}
